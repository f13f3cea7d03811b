"""Settings for Symptom Database, read from the environment.

The defaults run the site locally with no configuration: a SQLite file, a local media folder and
an in-process cache. Production sets the variables listed in the README; a production process
(DEBUG off) refuses to start without a real secret key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key():
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if not key:
        if DEBUG:
            # A throwaway key for a local debug server: sessions do not survive a restart.
            return get_random_secret_key()
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DEBUG is off "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not DEBUG and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure")):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is too weak for production: use at least 50 random characters."
        )
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "articles",
    "authors",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "symptomdb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "symptomdb.wsgi.application"
ASGI_APPLICATION = "symptomdb.asgi.application"

# postgres://postgres@127.0.0.1:5432/test or sqlite:///path/to/file.sqlite3
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "symptomdb"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "symptomdb" / "static"]

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SITE_NAME = "Symptom Database"
ARTICLES_PER_PAGE = 10

# Client addresses (symptomdb/addresses.py): only keyed hashes are stored.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ADDRESS_HASH_KEY = os.environ.get("DJANGO_ADDRESS_HASH_KEY", "")

# Author ratings (authors/ratings.py).
# Below this many ratings an author page says "Not enough ratings yet" instead of an average.
RATING_MIN_COUNT = int(os.environ.get("DJANGO_RATING_MIN_COUNT", "3"))
# New ratings of one author from one network address in 24 hours; more answer 429.
RATING_MAX_PER_ADDRESS_PER_DAY = int(os.environ.get("DJANGO_RATING_MAX_PER_ADDRESS_PER_DAY", "5"))
# Ranking by rating adds RATING_PRIOR_WEIGHT imaginary votes of RATING_PRIOR_MEAN stars.
RATING_PRIOR_MEAN = float(os.environ.get("DJANGO_RATING_PRIOR_MEAN", "3.0"))
RATING_PRIOR_WEIGHT = float(os.environ.get("DJANGO_RATING_PRIOR_WEIGHT", "5"))
# The anonymous reader's token lives in a signed cookie for this many days.
RATING_READER_COOKIE = "sdb_reader"
RATING_READER_COOKIE_DAYS = 730
# Author photos: larger sides are scaled down; more pixels than this are refused unopened.
AUTHOR_PHOTO_MAX_SIDE = 1200
AUTHOR_PHOTO_THUMBNAIL_SIDE = 160
AUTHOR_PHOTO_MAX_PIXELS = 40_000_000
AUTHOR_PHOTO_MAX_BYTES = 10_000_000

# Editorial workflow (articles/workflow.py): how often a published article is medically reviewed.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("DJANGO_REVIEW_INTERVAL_MONTHS", "12"))

# Comments: moderated reader comments (comments/). Every rule is configurable here.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "comments@localhost")
URLIZE_ASSUME_HTTPS = True
COMMENTS_SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")
COMMENTS_MODERATORS_GROUP = "Moderators"
COMMENTS_PER_PAGE = 50
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("DJANGO_COMMENTS_CLOSE_AFTER_DAYS", "0"))  # 0: never
COMMENTS_FORM_MAX_AGE_SECONDS = 24 * 60 * 60
COMMENTS_MIN_SECONDS_TO_POST = 3  # faster than this: a robot, stored as spam
COMMENTS_MAX_LINKS = 2  # more links: held for a moderator
COMMENTS_BLOCKLIST = env_list("DJANGO_COMMENTS_BLOCKLIST", "viagra,cialis,casino,crypto giveaway")
COMMENTS_HEALTH_SAFETY_PATTERNS = [
    r"\bstop(?:ped)? taking\b",
    r"\b(?:quit|skip(?:ped)?|double|halve)\s+(?:your|my|the)?\s*(?:dose|medication|meds|pills?)\b",
    r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|ml|units?|iu)\b",
    r"\b(?:increas|decreas|reduc|lower|rais|chang|switch)\w*\s+(?:your|my|the)?\s*"
    r"(?:dose|dosage|medication|meds|prescription)\b",
    r"\binstead of (?:your|my|the)?\s*(?:medication|meds|prescription|insulin|treatment)\b",
]
COMMENTS_RATE_LIMIT = 5  # comments per address per window
COMMENTS_RATE_WINDOW_SECONDS = 10 * 60
COMMENTS_MODERATION_RETENTION_DAYS = 180  # rejected/spam comments and address hashes
