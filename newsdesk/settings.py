"""Newsdesk settings: one module, driven by environment variables, safe local defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-not-secret-newsdesk-key"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50+ random characters.")
# Old keys, still accepted for what they signed or encrypted (sessions, webhook secrets)
# while SECRET_KEY is rotated: docs/deploy.md.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "procrastinate.contrib.django",
    "ninja",  # the REST API's docs page and its self-hosted Swagger UI assets
    "articles",
]

MIDDLEWARE = [
    "newsdesk.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: precompressed at collectstatic
    # Pages and fragments gzipped (Django pads the gzip header with random bytes against
    # BREACH); inside whitenoise, so static files are not compressed twice.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "newsdesk.replica.RememberWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "newsdesk.middleware.DatabaseUnavailableMiddleware",
    "newsdesk.middleware.PrivateCacheMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: DATABASE_URL if given, else the embedded PostgreSQL that
# newsdesk.embedded_postgres starts on first connection in a project-local folder.
EMBEDDED_PGDATA = Path(os.environ.get("NEWSDESK_PGDATA", BASE_DIR / ".pgdata"))
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "newsdesk.embedded_postgres",
            "NAME": "newsdesk",
            "USER": "postgres",
            "HOST": str(EMBEDDED_PGDATA),
            "CONN_MAX_AGE": 60,
        }
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for search, exports and the overview (newsdesk/replica.py); without it
# everything reads from the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
DATABASE_ROUTERS = ["newsdesk.replica.ReplicaRouter"]
# After a write, the writer reads from the primary this long (longer than replication lag).
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In the database, so several app servers share it (login failures are counted by django-axes
# in its own table).
# The table is created by a migration (articles 0003_cache_table).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "newsdesk_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article_list"
LOGOUT_REDIRECT_URL = "login"

# Login protection (django-axes, adapted in newsdesk/login.py; docs/deploy.md "Logins").
# Every authenticate() call goes through the axes backend first, the admin's login included.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A lockout is per user name and client address together: failures on made-up names from an
# office's shared address lock those names from there, never the office's real accounts.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_MAX_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "newsdesk.login.authenticated_username"
AXES_LOCKOUT_CALLABLE = "newsdesk.login.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client address (django-ipware): REMOTE_ADDR unless a proxy you trust sets a header.
# Behind a load balancer that appends the client's address to X-Forwarded-For, set
# LOGIN_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR: the right-most entry is then the client, and
# whatever a client wrote into the header itself (entries to its left) is ignored. With more
# proxies in front of the balancer, each appending the address it saw, set
# LOGIN_TRUSTED_PROXY_COUNT to their number: the client is that many entries from the right.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env_list("LOGIN_CLIENT_IP_HEADER", ["REMOTE_ADDR"]))
AXES_IPWARE_PROXY_COUNT = env_int("LOGIN_TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_ORDER = "left-most"  # of the entries left once the trusted hops are cut
IPWARE_STRICT = False  # a chain longer than expected: still cut from the right, not refused

LANGUAGE_CODE = "ar"
# Each user picks one on their profile page (kept in the language cookie from login on);
# before that, LocaleMiddleware follows the browser. locale/en is the English catalogue,
# compiled by `make` (compilemessages); the source strings are Arabic.
LANGUAGES = [("ar", "العربية"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Riyadh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain files while developing.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: every uploaded file goes to a temporary file, never into memory (one request may
# carry DATA_UPLOAD_MAX_NUMBER_FILES of them). One request may decompress at most
# IMPORT_MAX_UPLOAD_BYTES into at most IMPORT_MAX_UPLOAD_FILES files, however many archives.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 200
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_UPLOAD_FILES = env_int("IMPORT_MAX_UPLOAD_FILES", 500)
# Bytes of a file held for an admin's decision (encoding unsure, or a similar article to
# update or not) are dropped after this.
IMPORT_HELD_RETENTION_DAYS = env_int("IMPORT_HELD_RETENTION_DAYS", 30)
# Files per transaction in a background import (a commit waits for the disk).
IMPORT_FILES_PER_COMMIT = env_int("IMPORT_FILES_PER_COMMIT", 200)
# …and at most this many bytes of them, so a worker holds a bounded chunk in memory.
IMPORT_BYTES_PER_COMMIT = env_int("IMPORT_BYTES_PER_COMMIT", 32 * 1024 * 1024)
# Jobs queued for a big batch, so that this many workers can share it.
IMPORT_JOBS_PER_BATCH = env_int("IMPORT_JOBS_PER_BATCH", 2)

# Exports (XLSX, W3C annotations) of at least this many tags are built by a worker into a
# file downloaded when ready, instead of at once: an XLSX is written whole before its first
# byte can leave (a zip), and at this size that already keeps a request waiting seconds.
PREPARED_EXPORT_MIN_ROWS = env_int("PREPARED_EXPORT_MIN_ROWS", 20_000)
# Prepared files live in PostgreSQL; long enough to fetch after a weekend, short enough
# that the bytes don't pile up (a 100,000-tag XLSX is ~20 MB).
PREPARED_EXPORT_RETENTION_DAYS = env_int("PREPARED_EXPORT_RETENTION_DAYS", 3)

# Background jobs: a queue in the same PostgreSQL (procrastinate), worked by
# `manage.py worker`. Tasks live in articles/jobs/tasks.py.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""
PROCRASTINATE_IMPORT_PATHS = ["articles.jobs.tasks"]

# The REST API (/api/v1/): requests per token (or per signed-in user) and per minute, and
# the newsroom that signs ClaimReview documents.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Newsdesk")
NEWSROOM_URL = os.environ.get("NEWSROOM_URL", "")

# Security. Strict CSP: our pages have no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60  # one working day
# Load-balancer probes speak plain HTTP: /healthz answers 200/503 there, never a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},  # it narrates every start at INFO
        # One JSON line per request; LOG_REQUESTS=0 silences it.
        "newsdesk.requests": {"level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING"},
        "django.server": {"level": "WARNING"},  # runserver's own line would duplicate ours
        # procrastinate narrates every task registration and deferral at INFO; the
        # worker's own lines (procrastinate.worker: job started, ended) stay.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.jobs": {"level": "WARNING"},
    },
}
