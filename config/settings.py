"""Settings, read from the environment and an optional `.env` file.

With nothing set the project runs on an SQLite file for a quick try-out; production sets
`DB_ENGINE=postgresql`, `SECRET_KEY`, `ALLOWED_HOSTS`, `REDIS_URL` and the HTTPS flags
(see `.env.example`, which lists every variable read here).
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from config.env import env, env_bool, env_decimal, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL").rstrip("/")
# How many reverse proxies in front of the app may be trusted to append to X-Forwarded-For.
# 0: the socket address is the client, and a forged header changes nothing.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "core",
    "catalog",
    "accounts",
    "referrals",
    "orders",
    "payouts",
    "webhooks",
    "partners",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A request's background tasks go to the broker in one message, after its view.
    "core.middleware.TaskBatchMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that may answer with a message, so that the message is translated.
    "core.middleware.LanguageMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "core.middleware.OutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database ---------------------------------------------------------------------------
DB_ENGINE = env("DB_ENGINE", "sqlite").lower()
if DB_ENGINE in {"postgresql", "postgres", "django.db.backends.postgresql"}:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("DB_NAME", "referral"),
            "USER": env("DB_USER", "postgres"),
            "PASSWORD": env("DB_PASSWORD"),
            "HOST": env("DB_HOST", "127.0.0.1"),
            "PORT": env("DB_PORT", "5432"),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": env_bool("DB_CONN_HEALTH_CHECKS", True),
        }
    }
elif DB_ENGINE in {"sqlite", "sqlite3", "django.db.backends.sqlite3"}:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
else:
    raise ImproperlyConfigured(f"DB_ENGINE must be postgresql or sqlite, got {DB_ENGINE!r}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, else a database table every process shares -----
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "referral"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
# Prefix of the shared rate-limit counters (core.ratelimit), so two deployments or test
# runs can share one Redis without sharing counters.
RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "rl")
# Prefix of the reads kept in Redis (core.cache: the signed-in partner, bank tokens).
CACHE_NAMESPACE = env("CACHE_NAMESPACE", "c")

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Argon2 first (Django's recommendation), with OWASP's parameters (accounts.hashers): a check
# costs ~45 ms of CPU where PBKDF2's 1,000,000 rounds cost ~0.7 s, so four sign-ins held every
# worker. Older PBKDF2 hashes still check and are rehashed with Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages (core.middleware.LanguageMiddleware): the clients' pages (the root and the
# referral links' pages) default to Russian; the JSON API, the admin, commands and logs to
# English; `Accept-Language` or `?lang=` choose either anywhere.
LANGUAGE_CODE = "en"
PAGE_LANGUAGE_CODE = "ru"
PAGE_LANGUAGE_PATHS = r"^/(r/.*)?$"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request bodies: the catalogue import takes up to 1 MiB; anything larger is a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- HTTPS and cookies (production sets these through the environment) -------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "pages.views.csrf_failure"

# --- Content-Security-Policy (django-csp): the site loads only its own files --------------
# `data:` images are the API docs' inline icons; nothing is fetched from another origin.
# The docs pages add inline styles and a blob worker of their own (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Phones -----------------------------------------------------------------------------
# Region used to read numbers written without "+" (ISO 3166 code).
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", "RU").upper()
# Regions (ISO 3166 codes, comma-separated) whose numbers get one-time codes by SMS; a number
# elsewhere is a 400, so nobody can pump SMS to premium-rate numbers abroad.
PHONE_ALLOWED_REGIONS = [region.upper() for region in env_list("PHONE_ALLOWED_REGIONS", "RU")]

# --- One-time SMS codes (phone sign-in) and SMS delivery -----------------------------------
# Digits per code: 6 is NIST SP 800-63B's minimum for a one-time secret (the seed's 4 works too).
PHONE_CODE_LENGTH = env_int("PHONE_CODE_LENGTH", 6)
if not 4 <= PHONE_CODE_LENGTH <= 10:
    raise ImproperlyConfigured("PHONE_CODE_LENGTH must be between 4 and 10.")
PHONE_CODE_TTL = env_int("PHONE_CODE_TTL", 300)  # seconds a code stays valid
PHONE_CODE_MAX_ATTEMPTS = env_int("PHONE_CODE_MAX_ATTEMPTS", 5)  # wrong tries that kill a code
PHONE_CODE_RESEND_SECONDS = env_int("PHONE_CODE_RESEND_SECONDS", 60)  # between codes; 0: none
PHONE_CODE_PER_PHONE_HOURLY = env_int("PHONE_CODE_PER_PHONE_HOURLY", 5)
PHONE_CODE_PER_IP_HOURLY = env_int("PHONE_CODE_PER_IP_HOURLY", 20)
# console (the server's log), file (JSON lines in SMS_FILE_PATH) or http (a gateway).
SMS_BACKEND = env("SMS_BACKEND", "console").lower()
SMS_FILE_PATH = BASE_DIR / env("SMS_FILE_PATH", "var/sms.jsonl")  # relative to the project
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 5)

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")
# Seconds before a slow mail server is given up on (by the background task that sends it).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# --- Background work and webhooks (SPEC section 11; core.tasks, webhooks, config/celery.py) -
# Redis or RabbitMQ; empty: tasks run in a thread of the web process (one-command `make run`).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
# celery (to the broker's workers), thread (this process, after the commit), inline (tests).
TASKS_MODE = env("TASKS_MODE") or ("celery" if CELERY_BROKER_URL else "thread")
if TASKS_MODE not in {"celery", "thread", "inline"}:
    raise ImproperlyConfigured(f"TASKS_MODE must be celery, thread or inline, got {TASKS_MODE!r}")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")  # one per deployment on a broker
CELERY_TIMEZONE = TIME_ZONE
WEBHOOK_SWEEP_SECONDS = env_int("WEBHOOK_SWEEP_SECONDS", 15)  # lost hand-overs, due retries
CELERY_BEAT_SCHEDULE = {
    "webhooks-sweep": {"task": "webhooks.tasks.sweep", "schedule": WEBHOOK_SWEEP_SECONDS}
}
EVENTS_DISPATCH_TASK = "webhooks.tasks.events_fan_out"  # by name: core is below webhooks
# A receiver's seconds to answer; the delays between attempts (+-10 % jitter), then failed.
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
WEBHOOK_RETRY_SCHEDULE = [
    int(s) for s in env_list("WEBHOOK_RETRY_SCHEDULE", "5,300,1800,7200,18000,36000,36000")
]
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")  # development: http, loopback
EVENTS_RETENTION_DAYS = env_int("EVENTS_RETENTION_DAYS", 90)  # then events and their log go
# Fernet keys of the stored signing secrets (the first encrypts); empty: from SECRET_KEY.
WEBHOOK_ENCRYPTION_KEYS = env_list("WEBHOOK_ENCRYPTION_KEYS")

# --- Commissions and payouts (SPEC section 10) ---------------------------------------------
# Days an approval's commissions are held (pending) before they can be paid out; 0: at once.
COMMISSION_HOLD_DAYS = env_int("COMMISSION_HOLD_DAYS", 14)
# Days after an approval during which the bank may still reverse it.
COMMISSION_REVERSAL_DAYS = env_int("COMMISSION_REVERSAL_DAYS", 90)
# The referrer's and the referrer's referrer's bonus, as percents of the partner's reward,
# paid by the platform (never taken from the partner's reward).
REFERRAL_BONUS_L1_PERCENT = env_decimal("REFERRAL_BONUS_L1_PERCENT", "10")
REFERRAL_BONUS_L2_PERCENT = env_decimal("REFERRAL_BONUS_L2_PERCENT", "5")
# The smallest payout a partner may request, in the platform's currency (RUB).
PAYOUT_MIN_AMOUNT = env_decimal("PAYOUT_MIN_AMOUNT", "1000.00")
if COMMISSION_HOLD_DAYS < 0 or COMMISSION_REVERSAL_DAYS < 0 or PAYOUT_MIN_AMOUNT < 0:
    raise ImproperlyConfigured("Commission days and PAYOUT_MIN_AMOUNT cannot be negative.")
if not (0 <= REFERRAL_BONUS_L1_PERCENT <= 100 and 0 <= REFERRAL_BONUS_L2_PERCENT <= 100):
    raise ImproperlyConfigured("Referral bonus percents must be between 0 and 100.")

# --- DRF, JWT, docs -----------------------------------------------------------------------
THROTTLE_RATES = {
    "auth": env("THROTTLE_AUTH", "20/min"),
    "public_order": env("THROTTLE_PUBLIC_ORDER", "30/min"),
    "lookup": env("THROTTLE_LOOKUP", "10/min"),
    "landing": env("THROTTLE_LANDING", "60/min"),
    "partner_write": env("THROTTLE_PARTNER_WRITE", "60/min"),
    "bank_auth": env("THROTTLE_BANK_AUTH", "60/min"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.filtering.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.PartnerWriteThrottle"],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "NUM_PROXIES": NUM_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env("JWT_SIGNING_KEY") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Referral platform for bank products",
    "DESCRIPTION": (
        "Partners share per-product referral links, clients apply through them, banks pull "
        "the applications and report each result. Partners authenticate with "
        "`Authorization: Bearer <JWT>`; banks with `Authorization: Bank <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.postprocess_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "DecisionStatusEnum": "orders.serializers.DECIDABLE_STATUSES",
        "CommissionStatusEnum": "payouts.models.CommissionStatus",
        "CommissionKindEnum": "payouts.models.CommissionKind",
        "PayoutStatusEnum": "payouts.models.PayoutStatus",
        "BankEventTypeEnum": "core.outbox.BANK_EVENT_TYPES",
        "PartnerEventTypeEnum": "core.outbox.PARTNER_EVENT_TYPES",
    },
    # Declared here as well as by the authentication extensions, so both schemes are in the
    # document even before an endpoint uses one.
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "jwtAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "A partner's access token from `POST /api/token/`.",
            },
            "bankToken": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The bank's secret token: `Authorization: Bank <token>`.",
            },
        }
    },
}

# The bank token in a callback URL is masked in Django's request lines (core.log_masking); the
# access log is gunicorn's (gunicorn.conf.py), masked the same way.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "core.log_masking.MaskSecretsFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_secrets"],
        },
    },
    "loggers": {
        # Filters on the loggers themselves, so that Django's own handlers (the DEBUG console,
        # mail_admins) get the masked line too.
        "django.request": {"filters": ["mask_secrets"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
