"""Roundtable's one settings module, driven by the environment.

Every value an operator may change is read here through the strict parsers in
``roundtable.lib.env``; a malformed value stops start-up with a message naming the variable.
``ROUNDTABLE_ENV`` picks the defaults: ``production`` (the default, secure unless told otherwise),
``demo`` (``make demo`` on 127.0.0.1 over plain HTTP), ``development`` and ``test``.
This module must never read a secret into a log line or print one.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from roundtable.lib.env import (
    EnvError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_rate,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ROUNDTABLE_VAR_DIR", str(BASE_DIR / "var")))

try:
    ENVIRONMENT = env_choice(
        "ROUNDTABLE_ENV", ("production", "demo", "development", "test"), "production"
    )
    IS_PRODUCTION = ENVIRONMENT == "production"
    DEBUG = env_bool("DEBUG", default=ENVIRONMENT == "development")
    if DEBUG and IS_PRODUCTION:
        raise EnvError("DEBUG cannot be on when ROUNDTABLE_ENV is production.")

    # --- Secrets -------------------------------------------------------------------------------
    _secret_required = IS_PRODUCTION
    SECRET_KEY = env_secret("SECRET_KEY", required=_secret_required)
    if not SECRET_KEY:
        # demo/development/test only: a random key per process would log everyone out on each
        # restart, so demo and development keep one in var/ (never committed).
        if ENVIRONMENT == "test":
            SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789"  # noqa: S105
        else:
            _key_file = VAR_DIR / "secret_key"
            if not _key_file.exists():
                VAR_DIR.mkdir(parents=True, exist_ok=True)
                _key_file.write_text(secrets.token_urlsafe(50))
                _key_file.chmod(0o600)
            SECRET_KEY = _key_file.read_text().strip()

    # --- Hosts and TLS -------------------------------------------------------------------------
    ALLOWED_HOSTS = env_list(
        "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
    )
    if IS_PRODUCTION and not ALLOWED_HOSTS:
        raise EnvError("ALLOWED_HOSTS is required in production (comma-separated host names).")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    TLS = env_bool("ROUNDTABLE_TLS", default=IS_PRODUCTION)
    BEHIND_PROXY = env_bool("ROUNDTABLE_BEHIND_PROXY", default=False)

    # --- Database ------------------------------------------------------------------------------
    _default_db = f"sqlite:///{VAR_DIR / 'roundtable.sqlite3'}"
    DATABASE_URL = env_str("DATABASE_URL", _default_db)
    try:
        _db: dict[str, Any] = dict(
            dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
        )
    except ValueError as error:
        raise EnvError(
            f"DATABASE_URL is not a database URL this app understands: {error}"
        ) from None
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        if _db["NAME"] != ":memory:":
            Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        _db["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
            # with "database is locked" halfway through a transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif _db["ENGINE"] == "django.db.backends.postgresql":
        _db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            # Values sent apart from the SQL, and a statement run twice on a connection kept
            # planned in the server (psycopg's automatic preparation). Planning took longer
            # than running most of a page's small queries (ADR 0013). Off behind a pooler
            # that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
            # Added to what the URL's query string asked for (sslmode and the like), not in
            # place of it.
            _db["OPTIONS"] = {
                **_db.get("OPTIONS", {}),
                "server_side_binding": True,
                "prepare_threshold": 2,
            }
        _db["ENGINE"] = "django.db.backends.postgresql"
    else:
        raise EnvError("DATABASE_URL must point at SQLite or PostgreSQL.")
    _db["CONN_HEALTH_CHECKS"] = True
    _db["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME", "") or None}
    DATABASES = {"default": _db}

    # --- Sessions and timeouts ---------------------------------------------------------------
    IDLE_TIMEOUT = timedelta(minutes=env_int("ROUNDTABLE_IDLE_TIMEOUT_MINUTES", 30, minimum=1))
    ABSOLUTE_TIMEOUT = timedelta(
        hours=env_int("ROUNDTABLE_ABSOLUTE_TIMEOUT_HOURS", 12, minimum=1, maximum=24)
    )
    LOCKOUT_FAILURES = env_int("ROUNDTABLE_LOCKOUT_FAILURES", 5, minimum=3, maximum=20)
    LOCKOUT_MINUTES = env_int("ROUNDTABLE_LOCKOUT_MINUTES", 30, minimum=1)

    # --- Email -------------------------------------------------------------------------------
    EMAIL_BACKEND = env_str(
        "EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend"
        if IS_PRODUCTION
        else "django.core.mail.backends.filebased.EmailBackend",
    )
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", required=False)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Roundtable <no-reply@roundtable.invalid>")
    SERVER_EMAIL = DEFAULT_FROM_EMAIL

    # --- Cache (Redis when configured, so rate limits and lockouts hold across servers) ---------
    REDIS_URL = env_str("REDIS_URL")

    # --- National person search ----------------------------------------------------------------
    # Anti-fishing: searches beyond one's own records, per user, as "count/window" (30/10m).
    # Counted in the default cache: with several app servers set REDIS_URL, or each server keeps
    # its own count and a user gets the limit once per server.
    SEARCH_RATE = env_rate("ROUNDTABLE_SEARCH_RATE", "30/10m")

    # --- Audit -------------------------------------------------------------------------------
    AUDIT_SEAL_LAG_SECONDS = env_int("ROUNDTABLE_AUDIT_SEAL_LAG_SECONDS", 30, minimum=0)
    AUDIT_SEAL_MAX_EVENTS = env_int("ROUNDTABLE_AUDIT_SEAL_MAX_EVENTS", 5000, minimum=1)
    AUDIT_SEAL_INTERVAL_SECONDS = env_int("ROUNDTABLE_AUDIT_SEAL_INTERVAL_SECONDS", 60, minimum=1)

    # --- Uploads: a profile photo larger than this is refused (bytes; 5 MB by default) ---------
    ROUNDTABLE_PHOTO_MAX_BYTES = env_int(
        "ROUNDTABLE_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024, maximum=50 * 1024 * 1024
    )

    # --- Documents (casework): the size limit and where files are kept -------------------------
    # Never under a public URL: files are read back only by the download view, through the policy.
    DOCUMENT_MAX_BYTES = (
        env_int("ROUNDTABLE_DOCUMENT_MAX_MB", 20, minimum=1, maximum=500) * 1024 * 1024
    )
    DOCUMENT_STORAGE = env_choice("ROUNDTABLE_DOCUMENT_STORAGE", ("filesystem", "s3"), "filesystem")
    _document_storage: dict[str, Any]
    if DOCUMENT_STORAGE == "s3":
        _bucket = env_str("ROUNDTABLE_DOCUMENT_S3_BUCKET")
        if not _bucket:
            raise EnvError(
                "ROUNDTABLE_DOCUMENT_S3_BUCKET is required when ROUNDTABLE_DOCUMENT_STORAGE is s3."
            )
        _addressing = env_choice(
            "ROUNDTABLE_DOCUMENT_S3_ADDRESSING_STYLE", ("auto", "path", "virtual"), "auto"
        )
        _document_storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _bucket,
                "location": env_str("ROUNDTABLE_DOCUMENT_S3_PREFIX", "documents"),
                "endpoint_url": env_str("ROUNDTABLE_DOCUMENT_S3_ENDPOINT_URL") or None,
                "region_name": env_str("ROUNDTABLE_DOCUMENT_S3_REGION") or None,
                # Unset: boto3's own chain (instance role, AWS_* variables) finds credentials.
                "access_key": env_str("ROUNDTABLE_DOCUMENT_S3_ACCESS_KEY_ID") or None,
                "secret_key": env_secret("ROUNDTABLE_DOCUMENT_S3_SECRET_ACCESS_KEY", required=False)
                or None,
                "addressing_style": None if _addressing == "auto" else _addressing,
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
            },
        }
    else:
        _document_storage = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str("ROUNDTABLE_DOCUMENT_DIR", str(VAR_DIR / "documents")),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }

    # --- Sharing -----------------------------------------------------------------------------
    # How long break-the-glass access lasts before it lapses on its own.
    BREAK_GLASS_HOURS = env_int("ROUNDTABLE_BREAK_GLASS_HOURS", 3, minimum=1, maximum=24)

    # --- Notifications -------------------------------------------------------------------------
    # The local hour (0-23) after which each day's notification digest emails go out.
    NOTIFICATION_DIGEST_HOUR = env_int(
        "ROUNDTABLE_NOTIFICATION_DIGEST_HOUR", 7, minimum=0, maximum=23
    )

    LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
    SITE_URL = env_str("ROUNDTABLE_SITE_URL", "http://127.0.0.1:8000")
    WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 3, minimum=1)
except EnvError as _error:
    # Stop start-up with the message alone: a traceback would bury the variable's name.
    sys.stderr.write(f"Roundtable configuration error: {_error}\n")
    raise SystemExit(2) from None

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "roundtable.directory",
    "roundtable.audit",
    "roundtable.tasking",
    "roundtable.sharing",
    "roundtable.records",
    "roundtable.customforms",
    "roundtable.casework",
    "roundtable.risk",
    "roundtable.galleries",
    "roundtable.directory.admin_apps.RoundtableAdminConfig",  # the system-admin-only admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "roundtable.lib.requestid.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "roundtable.directory.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "roundtable.directory.middleware.RequireMFAMiddleware",
    "roundtable.directory.middleware.ActingTeamMiddleware",
    "roundtable.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware turns a lockout into our own lockout page; it must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roundtable.urls"
WSGI_APPLICATION = "roundtable.wsgi.application"
ASGI_APPLICATION = "roundtable.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.User"

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
                "csp.context_processors.nonce",
                "roundtable.directory.context_processors.shell",
                "roundtable.tasking.context_processors.notifications",
            ],
        },
    }
]
# Plain widgets drawn in Python with exactly Django's markup (roundtable/lib/widgets.py).
FORM_RENDERER = "roundtable.lib.widgets.FastWidgetRenderer"

# --- Authentication ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked (account, address) pair never reaches a password check.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENVIRONMENT == "test":
    # The same algorithm at its minimum cost: real Argon2 dominated the suite's run time.
    PASSWORD_HASHERS = [
        "roundtable.testing.hashers.FastTestArgon2PasswordHasher",
        *PASSWORD_HASHERS,
    ]
# NCSC guidance: length over composition; refuse common and breached-style passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "roundtable.directory.passwords.BreachedStylePasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour; the token is single use (it hashes the password)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "roundtable.directory.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Roundtable: "
ACCOUNT_RATE_LIMITS = {
    # django-axes owns failed-password lockout per (account, address): AccountAdapter skips
    # allauth's password counter. allauth checks one-time codes against this same limit, keyed by
    # user, so wrong authenticator codes are still limited (without it they could be guessed).
    "login_failed": "10/m/ip,5/5m/key",
}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Roundtable"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not TLS

AXES_FAILURE_LIMIT = LOCKOUT_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "roundtable.directory.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "roundtable.directory.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
)

# --- Sessions and cookies ---------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
if TLS:
    # __Host- cookies are bound to this exact origin, sent over TLS only, never to subdomains.
    SESSION_COOKIE_NAME = "__Host-roundtable-session"
    CSRF_COOKIE_NAME = "__Host-roundtable-csrf"
    SECURE_SSL_REDIRECT = env_bool("ROUNDTABLE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
else:
    SESSION_COOKIE_NAME = "roundtable-session"
    CSRF_COOKIE_NAME = "roundtable-csrf"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    }
}

# --- Static files (GOV.UK Frontend, MOJ Frontend, htmx from npm; served by WhiteNoise) -----------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_node = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", str(_node / "govuk-frontend" / "dist" / "govuk")),
    ("assets", str(_node / "govuk-frontend" / "dist" / "govuk" / "assets")),
    ("assets", str(_node / "@ministryofjustice" / "frontend" / "moj" / "assets")),
    ("moj", str(_node / "@ministryofjustice" / "frontend" / "moj")),
    ("htmx", str(_node / "htmx.org" / "dist")),
    str(BASE_DIR / "build" / "static"),
    str(BASE_DIR / "static" / "public"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "documents": _document_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if ENVIRONMENT in ("production", "demo")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads: a file bigger than the largest upload any page accepts is dropped while it streams in
# (never held whole), before the view runs; bigger than FILE_UPLOAD_MAX_MEMORY_SIZE, the part that
# is kept goes to a temporary file rather than memory. Each page then applies its own limit.
UPLOAD_MAX_BYTES = max(DOCUMENT_MAX_BYTES, ROUNDTABLE_PHOTO_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "roundtable.lib.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Development serves straight from the finders. Tests do not: WhiteNoise scans every finder file
# each time a test client builds the middleware, which cost most of the suite's time; the browser
# tests' live server serves static files through Django's own handler instead.
WHITENOISE_USE_FINDERS = ENVIRONMENT == "development"
if ENVIRONMENT in ("development", "test"):
    STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root even with finders
WHITENOISE_AUTOREFRESH = ENVIRONMENT == "development"

# --- Background tasks (django.tasks API; database backend needs no broker) -----------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Cache ---------------------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Logging: JSON lines with a request id; never personal data ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "roundtable.lib.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Axes and allauth would log the email address typed at sign-in: personal data. Failed
        # logins and lockouts are recorded in the audit log instead.
        "axes": {"handlers": ["null"], "propagate": False},
        "allauth": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR"},
    },
}

ADMIN_URL = env_str("ROUNDTABLE_ADMIN_URL", "django-admin/")
