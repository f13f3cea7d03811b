"""Settings for Symptom Database, read from the environment.

The defaults run the site locally with no configuration: a SQLite file, a local media folder and
an in-process cache. Production sets the variables listed in the README; a production process
(DEBUG off) refuses to start without a real secret key.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# Served over HTTPS (behind a TLS proxy): redirects, HSTS, secure cookies. Off for plain-HTTP
# local runs.
HTTPS = env_bool("DJANGO_HTTPS")
# Over HTTPS every cookie of ours is a "__Host-" cookie: the browser only accepts it from this
# exact host, over HTTPS, for the whole site, so a sibling subdomain cannot plant or shadow it.
COOKIE_PREFIX = "__Host-" if HTTPS else ""


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
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "axes",
    "symptomdb",
    "articles",
    "authors",
    "comments",
]

MIDDLEWARE = [
    # First, so that a load balancer's probe skips host checks, redirects and sessions.
    "symptomdb.health.HealthCheckMiddleware",
    "symptomdb.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "symptomdb.csp.ReportingEndpointsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a parameter: NUL and control characters, repeated keys answer 400.
    "symptomdb.inputs.RequestInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before sessions: an anonymous reader's page comes from the cache without loading a
    # session or user (articles/page_cache.py).
    "articles.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "symptomdb.health.DatabaseUnavailableMiddleware",
    # After the database check: reading the user loads the session.
    "symptomdb.sessions.StaffIdleTimeoutMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "symptomdb.urls"

TEMPLATES = [
    # The readers' pages (symptomdb/jinja2.py); the admin's templates are Django's, below.
    {
        "BACKEND": "symptomdb.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "symptomdb.jinja2.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "symptomdb.csrf.csrf",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} with the reversal remembered per process (symptomdb.links).
            "builtins": ["symptomdb.links"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                # In place of Django's built-in one: the same tokens, made faster.
                "symptomdb.csrf.csrf",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that sends nothing while the connection is well.
    DATABASES["default"]["ENGINE"] = "symptomdb.postgresql"
if DATABASES["default"]["ENGINE"] == "symptomdb.postgresql" and env_bool(
    "DJANGO_DB_PREPARED_STATEMENTS", default=True
):
    # A query a connection runs for the fifth time is prepared, and PostgreSQL stops planning
    # it again: an uncached article page otherwise spends about 3 of its 15 ms on planning its
    # small queries. Preparing needs the parameters bound by the server. Switch off behind
    # PgBouncer in transaction mode unless it keeps statements (max_prepared_statements).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5,
        **DATABASES["default"].get("OPTIONS", {}),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves pages and the background worker at once. A transaction takes
    # the write lock when it begins, so a second writer waits its turn (up to 5 s) instead of
    # being refused with "database is locked"; the write-ahead log lets readers go on while
    # one writes, and a commit syncs one file instead of two (imports run faster).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL",
        "transaction_mode": "IMMEDIATE",
        **DATABASES["default"].get("OPTIONS", {}),
    }

# Whole pages for anonymous readers and the synonym list (articles/page_cache.py). Redis is
# shared by every app server; without REDIS_URL each process keeps its own in memory. The cache
# is an accelerator: with Redis down, reads miss and writes are skipped, with a warning, after a
# short timeout; the next try is a few seconds later (symptomdb/cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.5"))
CACHES = {
    "default": {
        "BACKEND": "symptomdb.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "symptomdb"),
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
# The site and its admin are in English: without the translation machinery every page renders
# a little faster (about 0.6 ms of an uncached article page's 11).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "symptomdb" / "static"]
# Files browsers ask for at the site's root (/favicon.ico, /apple-touch-icon.png), by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "symptomdb" / "root_files"

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django's default (1,000) is less than an article's admin form with every section and reference
# it may hold (articles.models.MAX_SECTIONS, MAX_REFERENCES: about 1,400 fields); a save over the
# limit would be refused whole, and the author's edits lost.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

# Article files (import command and admin import) larger than this are refused unread.
ARTICLE_IMPORT_MAX_BYTES = 200_000
ARTICLES_PER_PAGE = 10

# Client addresses (symptomdb/addresses.py): only keyed hashes are stored. Proxies (addresses or
# networks) whose X-Forwarded-For is believed; a request from anywhere else is its own client.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network."
        ) from None
ADDRESS_HASH_KEY = os.environ.get("DJANGO_ADDRESS_HASH_KEY", "")

# Author ratings (authors/ratings.py).
# Below this many ratings an author page says "Not enough ratings yet" instead of an average.
RATING_MIN_COUNT = int(os.environ.get("DJANGO_RATING_MIN_COUNT", "3"))
# New ratings of one author from one network address in 24 hours; more answer 429.
RATING_MAX_PER_ADDRESS_PER_DAY = int(os.environ.get("DJANGO_RATING_MAX_PER_ADDRESS_PER_DAY", "5"))
# Held ratings (authors/ratings.py): an anonymous reader's rating counts once their token is this
# old; a burst (this many in an hour, or this factor times the author's usual rate) or more than
# this many from one network (/24 or /56) in a day waits for an editor.
RATING_READER_MIN_AGE_HOURS = int(os.environ.get("DJANGO_RATING_READER_MIN_AGE_HOURS", "24"))
RATING_BURST_MIN = int(os.environ.get("DJANGO_RATING_BURST_MIN", "5"))
RATING_BURST_FACTOR = float(os.environ.get("DJANGO_RATING_BURST_FACTOR", "3"))
RATING_MAX_PER_NETWORK_PER_DAY = int(os.environ.get("DJANGO_RATING_MAX_PER_NETWORK_PER_DAY", "2"))
# Ranking by rating adds RATING_PRIOR_WEIGHT imaginary votes of RATING_PRIOR_MEAN stars.
RATING_PRIOR_MEAN = float(os.environ.get("DJANGO_RATING_PRIOR_MEAN", "3.0"))
RATING_PRIOR_WEIGHT = float(os.environ.get("DJANGO_RATING_PRIOR_WEIGHT", "5"))
# The anonymous reader's token lives in a signed cookie for this many days.
RATING_READER_COOKIE = f"{COOKIE_PREFIX}sdb_reader"
RATING_READER_COOKIE_DAYS = 730
# Author photos: larger sides are scaled down; more pixels than this are refused unopened.
AUTHOR_PHOTO_MAX_SIDE = 1200
AUTHOR_PHOTO_THUMBNAIL_SIDE = 160
# Pixels Pillow may decode whole (PNG, WebP, GIF; every frame counted, at most
# AUTHOR_PHOTO_MAX_FRAMES), and pixels a JPEG may claim (it is decoded in draft mode, small):
# a worker stays well under 150 MB.
AUTHOR_PHOTO_MAX_PIXELS = 16_000_000
AUTHOR_PHOTO_MAX_JPEG_PIXELS = 64_000_000
AUTHOR_PHOTO_MAX_FRAMES = 100
AUTHOR_PHOTO_MAX_BYTES = 10_000_000

# Editorial workflow (articles/workflow.py): how often a published article is medically reviewed.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("DJANGO_REVIEW_INTERVAL_MONTHS", "12"))

# Comments: moderated reader comments (comments/). Every rule is configurable here.
# Local runs print emails to the console; production sends them over SMTP.
EMAIL_BACKEND_NAME = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME}}
if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS"),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "comments@localhost")
URLIZE_ASSUME_HTTPS = True
# The public address of the site, for links in emails.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
COMMENTS_MODERATORS_GROUP = "Moderators"
COMMENTS_PER_PAGE = 50
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("DJANGO_COMMENTS_CLOSE_AFTER_DAYS", "0"))  # 0: never
COMMENTS_FORM_MAX_AGE_SECONDS = 2 * 60 * 60  # a form open longer asks to post again
COMMENTS_MIN_SECONDS_TO_POST = 3  # faster than this: held for a moderator
COMMENTS_MAX_LINKS = 2  # more links: held for a moderator
COMMENTS_BLOCKLIST = env_list("DJANGO_COMMENTS_BLOCKLIST", "viagra,cialis,casino,crypto giveaway")
COMMENTS_HEALTH_SAFETY_PATTERNS = [
    r"\bstop(?:ped)? taking\b",
    r"\b(?:quit|skip(?:ped)?|double|halve)\s+(?:your|my|the)?\s*(?:dose|medication|meds|pills?)\b",
    r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|ml|units?|iu|(?:milli|micro)?grams?|"
    r"millilit(?:re|er)s?)\b",
    r"\b(?:increas|decreas|reduc|lower|rais|chang|switch)\w*\s+(?:your|my|the)?\s*"
    r"(?:dose|dosage|medication|meds|prescription)\b",
    r"\binstead of (?:your|my|the)?\s*(?:medication|meds|prescription|insulin|treatment)\b",
]
# Moderators get one email per this many minutes listing the comments that arrived (0: one each).
COMMENTS_DIGEST_MINUTES = int(os.environ.get("DJANGO_COMMENTS_DIGEST_MINUTES", "10"))
# Comments per window: per email or account, and (households and offices share one) per address.
COMMENTS_RATE_LIMIT_PER_EMAIL = int(os.environ.get("DJANGO_COMMENTS_RATE_LIMIT_PER_EMAIL", "5"))
COMMENTS_RATE_LIMIT_PER_ADDRESS = int(
    os.environ.get("DJANGO_COMMENTS_RATE_LIMIT_PER_ADDRESS", "20")
)
COMMENTS_RATE_WINDOW_SECONDS = 10 * 60
# A commenter may edit or withdraw a comment this long after posting (or while it is pending
# and unanswered).
COMMENTS_EDIT_MINUTES = int(os.environ.get("DJANGO_COMMENTS_EDIT_MINUTES", "15"))
# Reports of "unsafe medical advice" that hide a comment until a moderator looks.
COMMENTS_HIDE_AFTER_UNSAFE_REPORTS = int(
    os.environ.get("DJANGO_COMMENTS_HIDE_AFTER_UNSAFE_REPORTS", "3")
)
COMMENTS_REPORTS_PER_ADDRESS_PER_HOUR = 20
# The signed cookie that remembers a commenter's name and email (if asked) and confirmed email.
COMMENTER_COOKIE = f"{COOKIE_PREFIX}sdb_commenter"
COMMENTER_COOKIE_DAYS = 365
COMMENTS_MODERATION_RETENTION_DAYS = 180  # rejected/spam comments and address hashes

# Production: HTTPS, security headers, Content-Security-Policy, admin login protection, media
# storage, resilient cache, health check, structured logs. Everything that would break a plain
# HTTP local run (redirects, HSTS, secure cookies) is off unless DJANGO_HTTPS=1.
SECURE_SSL_REDIRECT = HTTPS
# A load balancer probes the health check over plain HTTP, with its own Host header.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = f"{COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{COOKIE_PREFIX}csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Behind a TLS-terminating proxy: the header it sets to "https" for secure requests, e.g.
# X-Forwarded-Proto. Only set this when the proxy always sets or strips that header.
if proxy_ssl_header := os.environ.get("DJANGO_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")

# Sessions live in the database, never only in the cache: losing Redis logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
# Staff are signed out after this long without a request (symptomdb/sessions.py).
ADMIN_IDLE_MINUTES = int(os.environ.get("DJANGO_ADMIN_IDLE_MINUTES", "30"))

# Static files: compressed and fingerprinted (collected by `collectstatic`) when DEBUG is off.
# The test run serves templates without collected files and sets DJANGO_STATIC_MANIFEST=0.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)

# Media: the local folder, or an S3-compatible bucket through django-storages when
# DJANGO_MEDIA_BUCKET is set (credentials from the usual AWS_* variables or the instance role).
MEDIA_BUCKET = os.environ.get("DJANGO_MEDIA_BUCKET", "")
if MEDIA_BUCKET:
    media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_MEDIA_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_MEDIA_REGION") or None,
            "custom_domain": os.environ.get("DJANGO_MEDIA_DOMAIN") or None,
            "location": os.environ.get("DJANGO_MEDIA_PREFIX", "media"),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    # Uploaded photos are shown from the bucket's host (allowed for images in SECURE_CSP).
    MEDIA_IMAGE_HOSTS = [
        f"https://{media_storage['OPTIONS']['custom_domain']}"
        if media_storage["OPTIONS"]["custom_domain"]
        else media_storage["OPTIONS"]["endpoint_url"] or f"https://{MEDIA_BUCKET}.s3.amazonaws.com"
    ]
else:
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_IMAGE_HOSTS = []
STORAGES = {
    "default": media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Every page: nothing from other hosts, no inline script or style. Media on an object store
# adds that host for images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # A page that needs an inline script or style marks it with the request's nonce
    # ({{ csp_nonce }}); without one, the header carries none and nothing inline runs.
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, *MEDIA_IMAGE_HOSTS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Browsers report what the policy blocked (symptomdb/csp.py).
    "report-uri": "/csp-report/",
    "report-to": "csp-endpoint",
}
CSP_REPORT_MAX_BYTES = 8 * 1024
CSP_REPORTS_PER_ADDRESS_PER_MINUTE = 10
CSP_REPORTS_PER_HOUR = 1000
CSP_REPORT_RETENTION_DAYS = 30

# Admin login brute-force protection (django-axes): failed attempts are stored in the database,
# so the limit holds across every app server. Calls without a request (management commands,
# the test client's login()) cannot come from the web and skip the check.
AUTHENTICATION_BACKENDS = [
    "symptomdb.auth.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
# Locked out per address (an IPv6 client's /64), and per account whatever the address.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "symptomdb.addresses.sign_in_address"
AXES_LOCKOUT_CALLABLE = "symptomdb.responses.login_locked_out"
AXES_VERBOSE = False

# Logs on stderr: readable lines, or one JSON object per line with DJANGO_LOG_FORMAT=json. Each
# line carries the request id (X-Request-ID). Messages never include settings or request data.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "symptomdb.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "symptomdb.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's loggers write through ours only (its default console handler would repeat
        # each line without the time and request id).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Django's own request logger repeats what RequestIdMiddleware logs; keep its errors.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        # django-axes: lockouts (warnings), not every sign-in.
        "axes": {"level": "WARNING"},
    },
}

# Whole pages for anonymous readers (articles/page_cache.py), kept this long in the cache under
# a key that changes with anything they show; 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "3600"))
# On PostgreSQL each process LISTENs for the page generation triggers' notifications, so that a
# cached page costs no query while nothing changes; it still reads the numbers at least every
# PAGE_GENERATION_RECHECK_SECONDS. Off: every cached page reads them (one query).
PAGE_CACHE_LISTEN = env_bool("DJANGO_PAGE_CACHE_LISTEN", default=True)
PAGE_GENERATION_RECHECK_SECONDS = float(os.environ.get("DJANGO_PAGE_GENERATION_RECHECK", "1"))
# Pages without per-reader data (lists, feeds, sitemap) may be kept by a proxy or browser this long.
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_PAGE_MAX_AGE", "60"))

# Background work (symptomdb/background.py): Django's tasks framework with the database backend,
# so tasks are rows written in the same transaction as their cause. `manage.py worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Failed email deliveries are retried after 30 s, 1 min, 2 min, ... (at most an hour apart), and
# given up after EMAIL_MAX_ATTEMPTS (about eight hours with these figures).
EMAIL_RETRY_BASE_SECONDS = float(os.environ.get("DJANGO_EMAIL_RETRY_BASE_SECONDS", "30"))
EMAIL_RETRY_MAX_SECONDS = 3600
EMAIL_MAX_ATTEMPTS = int(os.environ.get("DJANGO_EMAIL_MAX_ATTEMPTS", "15"))
# Periodic jobs (task path: hourly, daily or weekly), enqueued once per period by the workers.
BACKGROUND_JOBS = {
    "articles.tasks.send_review_reminders": "weekly",
    "articles.tasks.check_references": "daily",
    "articles.related.refresh_all_related_articles": "daily",
    "comments.tasks.prune_moderation_data": "daily",
    "authors.ratings.release_aged_ratings": "hourly",
    "symptomdb.csp.prune_reports": "daily",
}
# A task "running" this long lost its worker (killed, machine gone) and is run again.
TASKS_STALLED_AFTER_SECONDS = int(os.environ.get("DJANGO_TASKS_STALLED_AFTER_SECONDS", "900"))
TASKS_HOUSEKEEPING_SECONDS = 30
# The reference checker: a short timeout, a pause between requests to one host, small batches.
REFERENCE_CHECK_TIMEOUT_SECONDS = 10
REFERENCE_CHECK_DELAY_SECONDS = 1.0
REFERENCE_CHECK_BATCH = 20
# Requesting private-network addresses (an SSRF risk) is off; the tests turn it on.
REFERENCE_CHECK_ALLOW_PRIVATE = env_bool("DJANGO_REFERENCE_CHECK_ALLOW_PRIVATE")

# Discovery: search, feeds, sitemap and structured data.
# PostgreSQL's text search configuration: "symptomdb_english" (articles migration 0020) is
# English stemming after unaccent.
SEARCH_CONFIG = os.environ.get("DJANGO_SEARCH_CONFIG", "symptomdb_english")
# Results listed (and counted) per query at most: "More than 1,000 results" beyond.
SEARCH_MAX_RESULTS = 1000
# Matches in the title, condition, other names or intro ranked per query at most (the newest of
# them; any others follow newest first): a common word's thousands of matches are not ranked.
SEARCH_RANKED = 200
FEED_ITEMS = 20
RELATED_ARTICLES = 5
