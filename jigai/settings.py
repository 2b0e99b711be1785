"""Settings for Jigai (技改通).

Everything that differs between a laptop demo and production comes from environment variables;
the defaults give the embedded set-up: SQLite in WAL mode under ``var/``, database-backed tasks,
a file cache, e-mail written to files. ``jigai.settings_production`` tightens these for a real
deployment (``manage.py check --deploy`` passes there).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JIGAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

JIGAI_VERSION = "0.1.0"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/ for the demo."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _sm4_key() -> str:
    """The SM4 key (32 hex digits) that encrypts enterprises' bank accounts (jigai/funds/crypto.py):
    SM4_KEY from the environment, else one generated once into var/ for the demo, like SECRET_KEY."""
    key = os.environ.get("SM4_KEY")
    if key:
        return key
    path = VAR_DIR / "sm4_key"
    if not path.exists():
        path.write_text(secrets.token_hex(16))
        path.chmod(0o600)
    return path.read_text().strip()


SM4_KEY = _sm4_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "jigai.core",
    "jigai.reference",
    "jigai.accounts",
    "jigai.enterprises",
    "jigai.audit",
    "jigai.workdays",
    "jigai.notifications",
    "jigai.catalog",
    "jigai.calls",
    "jigai.applications",
    # The review stage, in workflow order (each adds its transitions to the workflow table in this order)
    "jigai.recommendations",
    "jigai.experts",
    "jigai.decisions",
    "jigai.review",  # migrations only (see jigai/review/models.py)
    "jigai.funds",
    "jigai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jigai.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jigai.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jigai.accounts.middleware.PasswordExpiryMiddleware",
    "jigai.accounts.middleware.OTPEnrolmentMiddleware",
    # Before anything reads the body (CSRF reads the form in process_view, after every __call__):
    # its size, then its characters (see jigai/core/input_guard.py).
    "jigai.core.input_guard.BodySizeLimitMiddleware",
    "jigai.core.input_guard.BadCharactersMiddleware",
    "jigai.core.middleware.PermissionRefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jigai.urls"
WSGI_APPLICATION = "jigai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jigai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jigai.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "jigai.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock at
    # BEGIN, so two writers queue on the busy timeout instead of failing half-way (and the audit
    # hash chain, which reads the last link then writes the next, cannot fork).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks, e-mail -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by all server processes on one machine (rate limits, lockouts).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

TASK_BACKEND = os.environ.get("JIGAI_TASK_BACKEND", "rq" if REDIS_URL else "db")
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jigai@sheitc.sh.gov.cn")
# The platform's public address, for absolute links in e-mails.
JIGAI_SITE_URL = os.environ.get("JIGAI_SITE_URL", "http://127.0.0.1:8000")
# The TrueType font embedded (as a subset) in every PDF (jigai/core/pdf.py); make install puts it here.
JIGAI_PDF_FONT = os.environ.get(
    "JIGAI_PDF_FONT",
    str(BASE_DIR / "node_modules/@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf"),
)

# --- Authentication and session security (等保 2.0 三级) ------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "jigai.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("JIGAI_PASSWORD_MIN_LENGTH", 8)},
    },
    {
        "NAME": "jigai.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": env_int("JIGAI_PASSWORD_MIN_CLASSES", 3)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "jigai.accounts.validators.ChinesePatternValidator"},
    {
        "NAME": "jigai.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"count": env_int("JIGAI_PASSWORD_HISTORY", 5)},  # JIGAI_PASSWORD_HISTORY below
    },
]
# Forced rotation: the Chinese rule (等保 2.0 assessors expect it) over ASVS 2.1.10; 0 turns it off.
JIGAI_PASSWORD_MAX_AGE_DAYS = env_int("JIGAI_PASSWORD_MAX_AGE_DAYS", 90)
JIGAI_PASSWORD_HISTORY = env_int("JIGAI_PASSWORD_HISTORY", 5)
# Two-factor sign-in (jigai.accounts.otp): required for every role but enterprise users.
JIGAI_OTP_REQUIRED_ROLES = [
    r.strip()
    for r in os.environ.get(
        "JIGAI_OTP_REQUIRED_ROLES",
        "district_officer,district_head,municipal_officer,municipal_head,finance_officer,ndrc_viewer,"
        "expert,supervisor,auditor,sysadmin,secadmin",
    ).split(",")
    if r.strip()
]
# Demo and e2e only: accounts without an authenticator sign in with the password alone. Off in
# jigai.settings_production; the deploy check warns when it is on.
JIGAI_OTP_DEMO_EXEMPT = env_bool("JIGAI_OTP_DEMO_EXEMPT", False)
OTP_TOTP_ISSUER = "技改通 Jigai"
# Sign-in throttles (jigai.accounts.throttle): per name and client address, per address, per account.
JIGAI_LOGIN_MAX_FAILURES = env_int("JIGAI_LOGIN_MAX_FAILURES", 5)
JIGAI_LOCKOUT_MINUTES = env_int("JIGAI_LOCKOUT_MINUTES", 30)
JIGAI_LOGIN_IP_MAX_FAILURES = env_int("JIGAI_LOGIN_IP_MAX_FAILURES", 20)
JIGAI_LOGIN_IP_WINDOW_MINUTES = env_int("JIGAI_LOGIN_IP_WINDOW_MINUTES", 15)
JIGAI_LOGIN_ACCOUNT_MAX_FAILURES = env_int("JIGAI_LOGIN_ACCOUNT_MAX_FAILURES", 50)
JIGAI_IDLE_TIMEOUT_MINUTES = env_int("JIGAI_IDLE_TIMEOUT_MINUTES", 30)

# --- Audit trail (jigai.audit): keys and checkpoints outside the database --------------------
# HMAC-SM3 keys of the chain: "id:hex,id:hex" (the last is current) or, when empty, a key file
# generated on first use (keep it out of the database's backups' reach; mode 0600).
JIGAI_AUDIT_KEYS = os.environ.get("JIGAI_AUDIT_KEYS", "")
JIGAI_AUDIT_KEY_FILE = os.environ.get("JIGAI_AUDIT_KEY_FILE", str(VAR_DIR / "audit_keys"))
# Where manage.py backup writes (put it on another volume, and copy it off the machine).
JIGAI_BACKUP_DIR = os.environ.get("JIGAI_BACKUP_DIR", str(VAR_DIR / "backups"))
# Audit events are kept this long (never fewer than 183 days: 6 months); manage.py audit_purge.
JIGAI_AUDIT_RETENTION_DAYS = env_int("JIGAI_AUDIT_RETENTION_DAYS", 183)
# Keyed checkpoints (JSON lines) that audit_verify compares against: put it on another volume.
JIGAI_AUDIT_CHECKPOINT_FILE = os.environ.get(
    "JIGAI_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# The session cookie lives a working day at most; the idle timeout above ends it sooner.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "jigai" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Bodies above these are refused with 413 before they are read (jigai/core/input_guard.py):
# JSON and form posts; multipart uploads may carry one file of the largest size an attachment
# slot may be given (a call's slots are configured between 1 MB and this).
JIGAI_MAX_BODY_BYTES = env_int("JIGAI_MAX_BODY_BYTES", 2 * 1024 * 1024)
JIGAI_UPLOAD_MAX_MB = env_int("JIGAI_UPLOAD_MAX_MB", 500)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100
