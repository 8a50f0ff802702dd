"""Settings for the Salesorder cart portal, read from the environment (see .env.example)."""
import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from salesorder.private_files import make_private_directory
from webhooks.public_url import public_base_url_problem

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# SQLite files, the embedded broker, the beat schedule and the sandbox's files live here: owner-only.
VAR_DIR = BASE_DIR / env.str("VAR_DIR", default="var")  # relative to the project folder, or absolute
make_private_directory(VAR_DIR)

# A development-only key: refused when DEBUG is off, so it can never protect real data.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key-change-me-0123456789abcdef"
# A development-only Fernet key for stored API keys: also refused when DEBUG is off.
DEVELOPMENT_CREDENTIALS_KEY = "ZGV2LW9ubHktY3JlZGVudGlhbHMta2V5LTAxMjM0NTY="

# Off unless the environment says otherwise: without configuration the product refuses to start
# (the development keys below are accepted only with DEBUG=true, as `make run` sets it).
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where `make serve-production` (gunicorn) listens: loopback unless a reverse proxy on another
# machine must reach it; an IP address, or unix:/path/to.sock.
BIND_ADDRESS = env.str("BIND_ADDRESS", default="127.0.0.1")
WEB_PORT = env.int("WEB_PORT", default=8000)
WEB_WORKERS = env.int("WEB_WORKERS", default=3)
# Threads per web process: requests each serves at once (webhook deliveries arrive several at a time).
WEB_THREADS = env.int("WEB_THREADS", default=4)

# Fernet keys, newest first: the first encrypts, all decrypt (rotation is described in README.md).
CREDENTIALS_ENCRYPTION_KEYS = env.list("CREDENTIALS_ENCRYPTION_KEYS", default=[DEVELOPMENT_CREDENTIALS_KEY])

# BigCommerce: the official API host is always allowed; these host:port entries are added
# for sandbox stores and tests. Plain http is accepted only for loopback addresses.
BIGCOMMERCE_EXTRA_API_HOSTS = env.list("BIGCOMMERCE_EXTRA_API_HOSTS", default=[])
BIGCOMMERCE_CONNECT_TIMEOUT_SECONDS = env.float("BIGCOMMERCE_CONNECT_TIMEOUT_SECONDS", default=5.0)
BIGCOMMERCE_READ_TIMEOUT_SECONDS = env.float("BIGCOMMERCE_READ_TIMEOUT_SECONDS", default=30.0)
BIGCOMMERCE_MAX_ATTEMPTS = env.int("BIGCOMMERCE_MAX_ATTEMPTS", default=6)
BIGCOMMERCE_MAX_RETRY_SECONDS = env.float("BIGCOMMERCE_MAX_RETRY_SECONDS", default=120.0)
# Retries back off exponentially from the base to the cap, with jitter.
BIGCOMMERCE_BACKOFF_BASE_SECONDS = env.float("BIGCOMMERCE_BACKOFF_BASE_SECONDS", default=0.5)
BIGCOMMERCE_BACKOFF_MAX_SECONDS = env.float("BIGCOMMERCE_BACKOFF_MAX_SECONDS", default=20.0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "companies",
    "carts",
    "items",
    "orders",
    "sync",
    "sandbox",
    "operations",
    "webhooks",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the merchant's English locale for money and dates
    "django.middleware.common.CommonMiddleware",
    "salesorder.request_limits.RequestBodyLimitMiddleware",  # before anything reads the body (CSRF does)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "companies.middleware.CurrentCompanyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "salesorder.time_zones.TimeZoneResetMiddleware",  # a cart page's store zone never outlives its request
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its page
]

ROOT_URLCONF = "salesorder.urls"
WSGI_APPLICATION = "salesorder.wsgi.application"

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
            # Every screen uses these (static files, money, list pages, components): no {% load %} in each template.
            "builtins": ["django.templatetags.static", "salesorder.templatetags.formatting",
                         "salesorder.templatetags.listing", "salesorder.templatetags.components"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each web thread and worker keeps its database connection for this many seconds (0: one per request): a new
# PostgreSQL connection costs the server a process and the request several round trips (the webhook receiver
# answers a burst in a few milliseconds each). Checked before reuse, so a restarted database fails no request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker and web server share one SQLite file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # Tests use a file too (one per test process), so a real Celery worker started by a test can open it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "companies.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes checks each log-in attempt first (on /login/ and /admin/login/ alike).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# After this many failed log-ins in a row for one e-mail address from one client address, that pair is
# locked out for LOGIN_LOCKOUT_MINUTES (0: until an operator unlocks it, see README.md).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
# Reverse proxies in front that append the client's address to X-Forwarded-For; 0 when clients connect directly.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES) if LOGIN_LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "companies.login_throttle.attempt_client_address"
AXES_LOCKOUT_CALLABLE = "companies.login_throttle.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are not recorded; failures are, until they expire or reset
AXES_ENABLE_ADMIN = False  # registered for operators only in companies/admin.py
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The screens are in English; the locale formats money, numbers and dates the way the merchant reads them.
# LocaleMiddleware picks the browser's English (Accept-Language) among LANGUAGES: an en-US browser reads US
# dollars as "$152.64", an en-GB one as "US$152.64" (CLDR); any other asks for LANGUAGE_CODE.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-us")
LANGUAGES = [
    ("en-us", "English (United States)"),
    ("en-gb", "English (United Kingdom)"),
    ("en-ca", "English (Canada)"),
    ("en-au", "English (Australia)"),
    ("en-nz", "English (New Zealand)"),
    ("en-ie", "English (Ireland)"),
    ("en-in", "English (India)"),
    ("en-za", "English (South Africa)"),
]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Collected files are served by whitenoise in production; in development the finders serve them.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads (the credentials .txt, item CSVs) are small; anything bigger is refused by the forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The forms cap their own rows with a message saying what to do (5,000 ticked items, 1,000 orders); this is
# above those caps, so only an absurd post meets Django's plain refusal.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Any request body over this is refused with 413 before it is read; the items CSV upload has its own 10 MB.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=1024 * 1024)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Salesorder <no-reply@salesorder.localhost>")

# Celery: Redis when REDIS_URL is set, else kombu's SQLAlchemy transport over a local SQLite
# file, so one machine with only Python runs the worker and beat (auto-sync included).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = (
    env.str("CELERY_BROKER_URL", default="") or REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite'}"
)
# The cache (per-cart webhook rate limits): Redis when REDIS_URL is set, so every web process counts together.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "salesorder"}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A queue name of its own lets a test run's worker ignore anything else on a shared broker.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="salesorder")

# Auto-sync: beat ticks every AUTOSYNC_TICK_SECONDS and enqueues a pass for each Running cart due.
AUTOSYNC_TICK_SECONDS = env.float("AUTOSYNC_TICK_SECONDS", default=60.0)
# A pass holds its cart's lock this long, extended as it makes progress; a killed worker's lock expires.
AUTOSYNC_LOCK_SECONDS = env.int("AUTOSYNC_LOCK_SECONDS", default=300)
# Orders modified this long before the cursor are read again, so late status changes are not missed.
AUTOSYNC_OVERLAP_MINUTES = env.int("AUTOSYNC_OVERLAP_MINUTES", default=10)
# Transient failures retry with backoff; the company is e-mailed after this many failed passes in a row.
AUTOSYNC_RETRY_ATTEMPTS = env.int("AUTOSYNC_RETRY_ATTEMPTS", default=3)
AUTOSYNC_RETRY_BASE_SECONDS = env.float("AUTOSYNC_RETRY_BASE_SECONDS", default=30.0)
AUTOSYNC_NOTIFY_AFTER_FAILURES = env.int("AUTOSYNC_NOTIFY_AFTER_FAILURES", default=3)
AUTOSYNC_PASS_TIME_LIMIT_SECONDS = env.int("AUTOSYNC_PASS_TIME_LIMIT_SECONDS", default=900)
# Health (GET /health/): beat sends the worker a heartbeat task this often; a worker heartbeat or beat tick
# older than HEALTH_STALE_AFTER_SECONDS fails the check. The broker check waits this long at most.
HEALTH_HEARTBEAT_SECONDS = env.float("HEALTH_HEARTBEAT_SECONDS", default=60.0)
HEALTH_STALE_AFTER_SECONDS = env.int("HEALTH_STALE_AFTER_SECONDS", default=300)
HEALTH_BROKER_TIMEOUT_SECONDS = env.float("HEALTH_BROKER_TIMEOUT_SECONDS", default=3.0)
# Retention: finished cart log entries older than RETENTION_CART_LOG_DAYS are pruned daily, except each
# cart's newest RETENTION_CART_LOG_KEEP of each kind; uploaded items CSVs after RETENTION_CSV_UPLOAD_DAYS.
RETENTION_CART_LOG_DAYS = env.int("RETENTION_CART_LOG_DAYS", default=90)
RETENTION_CART_LOG_KEEP = env.int("RETENTION_CART_LOG_KEEP", default=20)
RETENTION_CSV_UPLOAD_DAYS = env.int("RETENTION_CSV_UPLOAD_DAYS", default=30)
# A run (import, sync pass, reconciliation) still "running" with no progress for this long is closed as interrupted
# by a sweep beat runs every RUN_SWEEP_SECONDS: its worker died, or no worker took it up.
RUN_STALE_AFTER_MINUTES = env.int("RUN_STALE_AFTER_MINUTES", default=60)
RUN_SWEEP_SECONDS = 300

# Webhooks: the product's public address (https; plain http only to a loopback address, for local use). Set, a
# cart whose Auto-sync is Running has its store push order events to PUBLIC_BASE_URL/hooks/<cart's id>/ and its
# scheduled pass runs only every WEBHOOKS_HEALTHY_PASS_MINUTES while its hooks are healthy; empty, auto-sync polls.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").strip().rstrip("/")
WEBHOOKS_HEALTHY_PASS_MINUTES = env.int("WEBHOOKS_HEALTHY_PASS_MINUTES", default=60)
# How often a pass lists the store's hooks to find one the store deactivated (one API request).
WEBHOOKS_VERIFY_MINUTES = env.int("WEBHOOKS_VERIFY_MINUTES", default=360)
# A delivery body over this many bytes is refused (BigCommerce's order events are a few hundred bytes).
WEBHOOK_BODY_MAX_BYTES = env.int("WEBHOOK_BODY_MAX_BYTES", default=16 * 1024)
# Deliveries accepted per cart per minute; more are answered 429 (the store retries them later).
WEBHOOK_RATE_LIMIT_PER_MINUTE = env.int("WEBHOOK_RATE_LIMIT_PER_MINUTE", default=600)
CELERY_BEAT_SCHEDULE = {
    "autosync-tick": {"task": "sync.tasks.autosync_tick", "schedule": AUTOSYNC_TICK_SECONDS},
    # A heartbeat left waiting longer than its interval is dropped: a worker back after an outage runs one, not all.
    "worker-heartbeat": {"task": "operations.tasks.worker_heartbeat", "schedule": HEALTH_HEARTBEAT_SECONDS,
                         "options": {"expires": HEALTH_HEARTBEAT_SECONDS}},
    "retention-prune": {"task": "operations.tasks.retention_prune_task", "schedule": crontab(hour=3, minute=30)},
    # Deliveries a killed worker held, or whose task was lost, are queued again (webhooks/deliveries.py).
    "hook-deliveries-sweep": {"task": "webhooks.tasks.hook_deliveries_sweep_task", "schedule": 60.0,
                              "options": {"expires": 60.0}},
    # Hooks a cart no longer wants whose removal the store did not answer are removed again (webhooks/tasks.py).
    "unwanted-hooks-remove": {"task": "webhooks.tasks.unwanted_hooks_remove_task", "schedule": 3600.0,
                              "options": {"expires": 3600.0}},
    "stale-runs-close": {"task": "operations.tasks.stale_runs_close_task", "schedule": RUN_SWEEP_SECONDS,
                         "options": {"expires": RUN_SWEEP_SECONDS}},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Receivers' tokens are replaced in every line written (webhooks/log_redaction.py).
    "filters": {"receiver_addresses": {"()": "webhooks.log_redaction.ReceiverAddressFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["receiver_addresses"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # urllib3 logs full URLs at DEBUG; our client logs paths only, so keep it quieter.
    "loggers": {"urllib3": {"level": "WARNING"}},
}

# Content-Security-Policy (django-csp) on every response: scripts, styles, images and requests from this
# origin only; no inline script or style, no eval, no plugins, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 0 or TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT must be 1 or more, LOGIN_LOCKOUT_MINUTES 0 (until unlocked) or more, "
        "TRUSTED_PROXY_COUNT 0 (no proxy) or more."
    )
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of the locales offered: use one of "
                               f"{', '.join(dict(LANGUAGES))} (default en-us).")
if min(RETENTION_CART_LOG_DAYS, RETENTION_CART_LOG_KEEP, RETENTION_CSV_UPLOAD_DAYS) < 1:
    raise ImproperlyConfigured("RETENTION_CART_LOG_DAYS, RETENTION_CART_LOG_KEEP and RETENTION_CSV_UPLOAD_DAYS "
                               "must each be 1 or more (defaults: 90 days, 20 entries, 30 days).")
if RUN_STALE_AFTER_MINUTES < 10:
    raise ImproperlyConfigured(f"RUN_STALE_AFTER_MINUTES={RUN_STALE_AFTER_MINUTES} would close runs that are only slow: "
                               "use 10 or more; the default is 60.")
if public_base_url_problem(PUBLIC_BASE_URL):
    raise ImproperlyConfigured(public_base_url_problem(PUBLIC_BASE_URL))
if WEBHOOKS_HEALTHY_PASS_MINUTES < 5 or WEBHOOKS_VERIFY_MINUTES < 5 or WEBHOOK_RATE_LIMIT_PER_MINUTE < 1:
    raise ImproperlyConfigured("WEBHOOKS_HEALTHY_PASS_MINUTES and WEBHOOKS_VERIFY_MINUTES must be 5 or more (defaults 60 "
                               "and 360), WEBHOOK_RATE_LIMIT_PER_MINUTE 1 or more (default 600).")
if REQUEST_BODY_MAX_BYTES < 64 * 1024:
    raise ImproperlyConfigured(f"REQUEST_BODY_MAX_BYTES={REQUEST_BODY_MAX_BYTES} is too small for the product's forms: "
                               "use 65536 (64 KB) or more; the default is 1048576 (1 MB).")

if not DEBUG:
    unsafe = []
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        unsafe.append("SECRET_KEY must be set to a random value of at least 50 characters "
                      "(python -c \"import secrets; print(secrets.token_urlsafe(64))\").")
    if DEVELOPMENT_CREDENTIALS_KEY in CREDENTIALS_ENCRYPTION_KEYS:
        unsafe.append("CREDENTIALS_ENCRYPTION_KEYS must not contain the development key "
                      "(python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\").")
    if unsafe:
        raise ImproperlyConfigured(
            "Salesorder refuses to start: DEBUG is off (the default) and these keys are not safe to use. "
            + " ".join(unsafe)
            + " For development only, set DEBUG=true instead (make run does)."
        )
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe the server itself, over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
