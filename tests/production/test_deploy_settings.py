"""Production settings: check --deploy is clean with the documented variables, and the optional
parts (proxy header, admin URL, object-store media) are wired from the environment."""

import json

from tests.processes import PRODUCTION_ENV, run_manage, run_python


def test_check_deploy_reports_nothing_with_the_documented_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_not_turned_on():
    env = {**PRODUCTION_ENV, "DJANGO_HTTPS": "0"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def settings_as_json(names, **env):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_https_turns_on_redirect_hsts_and_secure_cookies_behind_the_proxy_header():
    values = settings_as_json(
        [
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_PROXY_SSL_HEADER",
        ],
        **PRODUCTION_ENV,
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_admin_url_comes_from_the_environment():
    code = (
        "import django; django.setup(); "
        "from django.urls import reverse; print(reverse('admin:index'))"
    )
    result = run_python(code, DJANGO_ADMIN_URL="/backstage-7f3/", DJANGO_DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/backstage-7f3/"


def test_media_bucket_stores_uploads_in_s3_and_allows_only_its_host_for_images():
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; media = storages['default']; "
        "print(json.dumps([settings.STORAGES['default'], settings.SECURE_CSP['img-src'], "
        "type(media).__name__, media.url('photos/author.jpg')]))"
    )
    result = run_python(
        code,
        DJANGO_DEBUG="0",
        DJANGO_MEDIA_BUCKET="symptomdb-media",
        DJANGO_MEDIA_ENDPOINT_URL="https://objects.example.net",
    )
    assert result.returncode == 0, result.stderr
    storage, image_sources, backend, url = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "symptomdb-media"
    assert backend == "S3Storage"
    assert url == "https://objects.example.net/symptomdb-media/media/photos/author.jpg"
    assert image_sources == ["'self'", "https://objects.example.net"]


def test_media_defaults_to_the_local_folder():
    values = settings_as_json(["STORAGES"], DJANGO_DEBUG="0")
    assert values["STORAGES"]["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )


def test_redis_url_selects_the_cache_that_survives_a_redis_outage():
    values = settings_as_json(
        ["CACHES", "SESSION_ENGINE"], REDIS_URL="redis://cache.internal:6379/1"
    )
    assert values["CACHES"]["default"]["BACKEND"] == "symptomdb.cache.ResilientRedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
