"""Pacekeeper settings. Every value comes from the environment; defaults suit `pacekeeper demo`.

Documented in the README under "Configuration".
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PACEKEEPER_DATA_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("PACEKEEPER_DEBUG", False)
# The fallback key only exists so that `pacekeeper demo` and the tests run out of the box;
# `pacekeeper serve` refuses to start with it (see cli.py).
INSECURE_DEFAULT_SECRET_KEY = "pacekeeper-insecure-demo-key-change-me"
SECRET_KEY = os.environ.get("PACEKEEPER_SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("PACEKEEPER_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("PACEKEEPER_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pacekeeper.tenancy",
    "pacekeeper.kpis",
    "pacekeeper.crm",
    "pacekeeper.goals",
    "pacekeeper.skills",
    "pacekeeper.work",
    "pacekeeper.incentives",
    "pacekeeper.reviews",
    "pacekeeper.notifications",
    "pacekeeper.dashboards",
    "pacekeeper.demo",
    "pacekeeper.bench",
    "pacekeeper.workreports",
    "pacekeeper.meetings",
    "pacekeeper.feedback",
    "pacekeeper.progress",
    "pacekeeper.recognition",
    "pacekeeper.relationships",
    "pacekeeper.teamhealth",
    "pacekeeper.risks",
    "pacekeeper.insights",
    "pacekeeper.tickets",
    "pacekeeper.training",
]

MIDDLEWARE = [
    "pacekeeper.lib.request_context.RequestContextMiddleware",
    "pacekeeper.lib.text.CleanQueryStringMiddleware",
    # Before anything reads the body (the CSRF check parses every POST form).
    "pacekeeper.lib.request_size.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files (answered above) may be cached; everything else is not.
    "pacekeeper.lib.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pacekeeper.tenancy.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pacekeeper.tenancy.middleware.SessionTimeoutMiddleware",
    "pacekeeper.tenancy.middleware.ActorMiddleware",
    "pacekeeper.tenancy.middleware.TwoFactorRequiredMiddleware",
    "pacekeeper.tenancy.middleware.ServiceErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pacekeeper.urls"
WSGI_APPLICATION = "pacekeeper.wsgi.application"
ASGI_APPLICATION = "pacekeeper.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pacekeeper.tenancy.context_processors.actor",
                "pacekeeper.tenancy.context_processors.navigation",
            ],
        },
    },
]

DEFAULT_SQLITE_URL = f"sqlite:///{DATA_DIR / 'pacekeeper.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("PACEKEEPER_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles queries it expects to be costly (JIT). For our grouped KPI queries of
    # 0.1–1 s that compilation cost up to 150 ms and saved nothing (measured at full benchmark
    # size), so it is off for the application's connections.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenancy.User"
# Not Django's own Argon2PasswordHasher beside ours: both are named "argon2" and Django checks a
# stored hash with the last hasher of its name, so every sign-in was checked outside the slots
# and the lower priority below. Ours checks Argon2 hashes of any strength (older ones are re-made
# at sign-in); PBKDF2 stays for accounts created before Argon2.
PASSWORD_HASHERS = [
    "pacekeeper.tenancy.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# How many password hashes may run at once on one machine (tenancy/hashers.py); 0: no limit.
PASSWORD_HASHING_SLOTS = int(
    os.environ.get("PACEKEEPER_PASSWORD_HASHING_SLOTS", str(max(1, (os.cpu_count() or 2) // 2)))
)
# How much lower a password hash's CPU priority is than a page's (nice increment, 0 to 19; 0: the same).
PASSWORD_HASHING_NICE = int(os.environ.get("PACEKEEPER_PASSWORD_HASHING_NICE", "10"))
# Threads of each `pacekeeper serve` worker (gunicorn gthread): a sign-in waiting for a hashing
# slot holds one, so a worker needs threads to spare for pages. Each thread may keep a database
# connection: workers × threads must stay under PostgreSQL's max_connections.
SERVER_THREADS = int(os.environ.get("PACEKEEPER_THREADS", "8"))
# How many sign-ins one server process lets wait for or run a hash at once; more are told to try
# again in a few seconds (503). All threads but two: those keep serving pages. 0: no limit.
PASSWORD_HASHING_QUEUE = int(os.environ.get("PACEKEEPER_PASSWORD_HASHING_QUEUE", str(max(1, SERVER_THREADS - 2))))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked username + address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "pacekeeper.tenancy.auth.UsernameOrEmailBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("PACEKEEPER_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("PACEKEEPER_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "pacekeeper.lib.request_context.client_address"
AXES_USERNAME_CALLABLE = "pacekeeper.tenancy.sign_in.username_for_lockout"
AXES_LOCKOUT_CALLABLE = "pacekeeper.tenancy.sign_in.lockout_response"
AXES_VERBOSE = False
# Roles that may approve payout runs (each must also be in TWO_FACTOR_REQUIRED_ROLES: a deploy
# check says so when it is not).
PAYOUT_APPROVER_ROLES = env_list("PACEKEEPER_PAYOUT_APPROVER_ROLES", "director")
# Roles that must sign in with a code from an authenticator app (everyone else may choose to).
TWO_FACTOR_REQUIRED_ROLES = env_list(
    "PACEKEEPER_2FA_REQUIRED_ROLES", ",".join(sorted({"admin", "director", *PAYOUT_APPROVER_ROLES}))
)
OTP_TOTP_ISSUER = "Pacekeeper"
# A session ends after this long without a request, and this long after sign-in regardless.
SESSION_IDLE_SECONDS = 60 * int(os.environ.get("PACEKEEPER_SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = 3600 * int(os.environ.get("PACEKEEPER_SESSION_MAX_HOURS", "12"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (behind a TLS proxy): secure cookies, redirect to HTTPS, HSTS.
HTTPS = env_bool("PACEKEEPER_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("PACEKEEPER_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("PACEKEEPER_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("PACEKEEPER_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PACEKEEPER_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("PACEKEEPER_HSTS_PRELOAD", HTTPS)
BEHIND_PROXY = env_bool("PACEKEEPER_BEHIND_PROXY", HTTPS)
if BEHIND_PROXY:
    # The TLS proxy tells Django the original scheme; only trust it when a proxy is in front.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("PACEKEEPER_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files are served straight from the package (no collectstatic step needed to run).
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": os.environ.get("PACEKEEPER_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Uploads larger than this are refused before parsing (imports).
IMPORT_MAX_BYTES = int(os.environ.get("PACEKEEPER_IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))
# A running import's worker beats this often; a job silent for IMPORT_STALE_SECONDS had its
# worker die and is marked failed (it can be rerun).
IMPORT_HEARTBEAT_SECONDS = int(os.environ.get("PACEKEEPER_IMPORT_HEARTBEAT_SECONDS", "10"))
IMPORT_STALE_SECONDS = int(os.environ.get("PACEKEEPER_IMPORT_STALE_SECONDS", "120"))
# An API token's last use is noted at most this often (seconds): reads do not write.
API_TOKEN_USE_NOTED_EVERY = int(os.environ.get("PACEKEEPER_API_TOKEN_USE_NOTED_EVERY", "300"))
# An import writes this many rows per transaction: on SQLite everyone else's changes wait for
# one of them at most (about a second), not for the whole file.
IMPORT_WRITE_ROWS = int(os.environ.get("PACEKEEPER_IMPORT_WRITE_ROWS", "5000"))
# On SQLite an import pauses this long between pieces, so that writers waiting get the lock.
IMPORT_PIECE_PAUSE_SECONDS = float(os.environ.get("PACEKEEPER_IMPORT_PIECE_PAUSE_SECONDS", "0.15"))
# How often a running worker looks for jobs whose worker died (pacekeeper.lib.worker).
JOB_RECOVERY_SECONDS = float(os.environ.get("PACEKEEPER_JOB_RECOVERY_SECONDS", "60"))
# How often a running worker runs the periodic chores (lib/chores.py: recurring tasks, task notices).
CHORE_MINUTES = float(os.environ.get("PACEKEEPER_CHORE_MINUTES", "15"))
# An XLSX may unpack to at most this much (zip bombs are refused before unpacking).
# What one import file may hold (docs/security.md, "Files and faults"): an import keeps the rows it
# has read until it writes them, so its memory grows with their number and their text.
IMPORT_MAX_ROWS = int(os.environ.get("PACEKEEPER_IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_CELLS = int(os.environ.get("PACEKEEPER_IMPORT_MAX_CELLS", "5000000"))
XLSX_MAX_UNPACKED_BYTES = int(os.environ.get("PACEKEEPER_XLSX_MAX_UNPACKED_BYTES", str(100 * 1024**2)))
# openpyxl holds a workbook's whole table of shared strings in memory while it reads the sheet.
XLSX_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("PACEKEEPER_XLSX_MAX_SHARED_STRINGS_BYTES", str(64 * 1024**2)))
# A task's attachment may be this large at most (lib/uploads.py checks it, and its content).
ATTACHMENT_MAX_BYTES = int(os.environ.get("PACEKEEPER_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pacekeeper.lib.request_context.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PACEKEEPER_LOG_LEVEL", "WARNING")},
}

# Surveys (docs/feedback.md): the address contacts open survey links at, the mail server that
# sends invitations, and the public answer page's rate limits (requests per window).
# How long a progress report's "figures changed since" check is kept before it is rebuilt.
PROGRESS_CHECK_SECONDS = int(os.environ.get("PACEKEEPER_PROGRESS_CHECK_SECONDS", "120"))
# How many progress reports one person may generate (or generate again) within an hour.
PROGRESS_GENERATE_PER_HOUR = int(os.environ.get("PACEKEEPER_PROGRESS_GENERATE_PER_HOUR", "60"))
PUBLIC_URL = os.environ.get("PACEKEEPER_PUBLIC_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get("PACEKEEPER_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("PACEKEEPER_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PACEKEEPER_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PACEKEEPER_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PACEKEEPER_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PACEKEEPER_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("PACEKEEPER_EMAIL_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("PACEKEEPER_EMAIL_FROM", "pacekeeper@localhost")
SURVEY_RATE_WINDOW_SECONDS = int(os.environ.get("PACEKEEPER_SURVEY_RATE_WINDOW_SECONDS", "600"))
SURVEY_RATE_PER_ADDRESS = int(os.environ.get("PACEKEEPER_SURVEY_RATE_PER_ADDRESS", "120"))
SURVEY_RATE_PER_TOKEN = int(os.environ.get("PACEKEEPER_SURVEY_RATE_PER_TOKEN", "30"))
