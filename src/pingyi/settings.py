"""Django settings for pingyi.

Everything a deployment changes comes from the environment (see docs/configuration.md).
Embedded mode (the default) keeps everything in one data folder: the SQLite database,
uploads and the generated secret key. Scaled mode is chosen by ``DATABASE_URL`` and
``REDIS_URL``.

Importing this module creates and writes nothing (mypy's Django plugin and other tools read
it): the data folder, the database file and a new secret key are made by the explicit step
:func:`pingyi.core.datafolder.prepare`, which every entry point runs before
``django.setup()`` (``tests/core/test_data_folder.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url

from pingyi.core.datafolder import read_secret_key
from pingyi.core.queue import huey_settings

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("PINGYI_DATA_DIR", "pingyi-data")).resolve()

#: ``SECRET_KEY`` from the environment, else the data folder's key. Empty for a folder that
#: has none yet: ``datafolder.prepare()`` generates it (0600) and sets it before Django runs.
SECRET_KEY = os.environ.get("SECRET_KEY") or read_secret_key(DATA_DIR)
DEBUG = _env_bool("PINGYI_DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
PUBLIC_URL = os.environ.get("PINGYI_PUBLIC_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "pingyi.core",
    "pingyi.accounts",
    "pingyi.orgs",
    "pingyi.appraisal",
    "pingyi.supervision",
    "pingyi.targets",
    "pingyi.pipeline",
    "pingyi.notifications",
    "pingyi.scoreboard",
    "pingyi.handbook",
    "huey.contrib.djhuey",  # the task queue (docs/tasks.md): each app's tasks.py
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pingyi.core.middleware.ApiRefusalMiddleware",
    "pingyi.core.middleware.NulGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pingyi.core.middleware.SecurityHeadersMiddleware",
    "pingyi.core.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pingyi.urls"
WSGI_APPLICATION = "pingyi.wsgi.application"

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
                "django.template.context_processors.i18n",
                "pingyi.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------
_DATABASE_URL = os.environ.get("DATABASE_URL", "")
if _DATABASE_URL and not _DATABASE_URL.startswith("sqlite:"):
    DATABASES = {
        "default": dj_database_url.parse(
            _DATABASE_URL, conn_max_age=int(os.environ.get("PINGYI_CONN_MAX_AGE", 60))
        )
    }
    EMBEDDED = False
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # DATABASE_URL=sqlite:////path/to/file.sqlite3 picks another file, same options.
            "NAME": (
                str(dj_database_url.parse(_DATABASE_URL)["NAME"])
                if _DATABASE_URL
                else str(DATA_DIR / "pingyi.sqlite3")
            ),
            # One connection per server thread, kept: opening SQLite on every request cost
            # about a sixth of a ballot's time (docs/performance.md).
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Durable before acknowledged: WAL with a full fsync on every commit, and
                # write transactions that take the write lock up front (no upgrade deadlocks).
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON"
                ),
            },
        }
    }
    EMBEDDED = True  # datafolder.prepare() makes the file 0600 before SQLite creates it

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- task queue (docs/tasks.md) -------------------------------------------------------------
# Embedded: SqliteHuey in DATA_DIR/queue.sqlite3 (never the main database), its consumer run
# by `pingyi serve`; REDIS_URL (or PINGYI_QUEUE=redis): RedisHuey, `pingyi worker` processes.
HUEY = huey_settings(data_dir=DATA_DIR, redis_url=REDIS_URL, env=os.environ)
#: Extra modules whose tasks a consumer loads besides every app's tasks.py (tests use it).
PINGYI_TASK_MODULES = _env_list("PINGYI_TASK_MODULES", [])

# --- accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "pingyi.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
# The office's handbook (docs/handbook: zh/, en/, img/), served at /handbook/. The package
# reaches it through the link src/pingyi/handbook/docs, which a wheel carries as files.
HANDBOOK_DIR = BASE_DIR / "handbook" / "docs"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle sessions expire: every request pushes the expiry forward by SESSION_COOKIE_AGE.
SESSION_COOKIE_AGE = int(os.environ.get("PINGYI_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failures (django-axes, pingyi/accounts/lockout.py): 5 wrong
# passwords lock the account *from that address* (never from everywhere: anyone could lock
# the office out); 30 lock the address whatever the account. X-Forwarded-For counts only
# from PINGYI_TRUSTED_PROXIES.
AXES_FAILURE_LIMIT = int(os.environ.get("PINGYI_LOGIN_FAILURE_LIMIT", 5))
PINGYI_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("PINGYI_LOGIN_ADDRESS_FAILURE_LIMIT", 30))
AXES_COOLOFF_TIME = float(os.environ.get("PINGYI_LOCKOUT_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_HANDLER = "pingyi.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "pingyi.accounts.lockout.client_address"
PINGYI_TRUSTED_PROXIES = _env_list("PINGYI_TRUSTED_PROXIES", [])
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# --- language -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("PINGYI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# `pingyi serve` collects (and gzips) the static files into STATIC_ROOT at start, when they
# changed (core/static_stamp.py); serving them from the apps' folders instead (finders)
# skips the compressed copies. Tests and development servers that never collect turn the
# finders on.
WHITENOISE_USE_FINDERS = _env_bool("PINGYI_STATIC_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PINGYI_UNIT_IMPORT_MAX_BYTES = 5 * 1024 * 1024

# --- security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
if _env_bool("PINGYI_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("PINGYI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("PINGYI_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("PINGYI_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# `manage.py check --deploy` warnings that are decisions (docs/security.md):
# - security.W021: HSTS preload commits the whole domain and its subdomains to HTTPS in every
#   browser for months; that is the operator's choice (PINGYI_HSTS_PRELOAD), not a default.
SILENCED_SYSTEM_CHECKS: list[str] = []
if not (_env_bool("PINGYI_HTTPS", False) and _env_bool("PINGYI_HSTS_PRELOAD", False)):
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": os.environ.get("PINGYI_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 100
PINGYI_BALLOT_WRITER = os.environ.get("PINGYI_BALLOT_WRITER", "batch")
PINGYI_SLIDES_MAX_BYTES = int(os.environ.get("PINGYI_SLIDES_MAX_BYTES", 50 * 1024 * 1024))
# supervision: a report's or a closure's attachments, each at most this size, at most 5 at a time
PINGYI_ATTACHMENT_MAX_BYTES = int(os.environ.get("PINGYI_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
# /healthz's disk check: MB that must stay free (checked there: a bad value fails the check)
PINGYI_HEALTH_MIN_FREE_MB = os.environ.get("PINGYI_HEALTH_MIN_FREE_MB", "")

# --- notifications (docs/notifications.md) ---------------------------------------------------
# E-mail under Django's own names, from the environment; the chat robots' base URLs for an
# intranet proxy (the webhook URL's scheme and host are replaced by the base).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pingyi@localhost")
PINGYI_WECOM_BASE = os.environ.get("PINGYI_WECOM_BASE", "").rstrip("/")
PINGYI_DINGTALK_BASE = os.environ.get("PINGYI_DINGTALK_BASE", "").rstrip("/")
PINGYI_FEISHU_BASE = os.environ.get("PINGYI_FEISHU_BASE", "").rstrip("/")
#: seconds one robot request or one SMTP conversation may take
PINGYI_NOTIFY_TIMEOUT = float(os.environ.get("PINGYI_NOTIFY_TIMEOUT", "10") or 10)
