"""servicelane settings: one module, every knob read from the environment.

Like healthchecks, a checkout runs with no variable at all (DEBUG defaults to
on, with a development key). Production sets DEBUG=false; then SECRET_KEY must
be given and the secure defaults below apply (``manage.py check --deploy`` is clean).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from servicelane.envtools import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("SERVICELANE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "servicelane.core",
    "servicelane.customers",
    "servicelane.vehicles",
    "servicelane.appointments",
    "servicelane.workorders",
    "servicelane.billing",
    "servicelane.servicebook",
    "servicelane.tools",
    "servicelane.followup",
    "servicelane.parts",
    "servicelane.store",
    "servicelane.supply",
    "servicelane.control",
    "servicelane.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicelane.core.security_headers.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "servicelane.core.credentials.PasswordExpiryMiddleware",
    "servicelane.core.middleware.WorkshopContextMiddleware",
    "servicelane.core.middleware.InputEdgeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicelane.urls"
WSGI_APPLICATION = "servicelane.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "servicelane" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicelane.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'servicelane.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN, so two transactions never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too: the in-memory test database refuses concurrent
    # writers outright, and the booking race is tested with real threads.
    DATABASES["default"]["TEST"] = {
        "NAME": env("TEST_DATABASE_NAME", str(VAR_DIR / "test.sqlite3"))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits count in the cache: with several server processes, point every
# process at one shared cache (e.g. CACHE_BACKEND=django.core.cache.backends.redis.RedisCache).
CACHES = {
    "default": {
        "BACKEND": env("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env("CACHE_LOCATION", "servicelane"),
    }
}

# --- authentication -------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses every login from an address with too many failures across accounts.
    "servicelane.core.throttles.AddressFailureBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)
# Password-reset requests an hour per typed e-mail address, and per client address.
PASSWORD_RESET_RATE_PER_HOUR = env_int("PASSWORD_RESET_RATE_PER_HOUR", 3)
PASSWORD_RESET_ADDRESS_RATE_PER_HOUR = env_int("PASSWORD_RESET_ADDRESS_RATE_PER_HOUR", 20)
# Passwords must be renewed under the security policy; 0 switches expiry off.
PASSWORD_EXPIRY_DAYS = env_int("PASSWORD_EXPIRY_DAYS", 180)
# Lifetime of personal API tokens; 0 means they do not expire.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)

# Failed-login throttling (django-axes): a user name is locked for a client
# after LOGIN_FAILURE_LIMIT failures, for LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "servicelane.core.auth.lockout_response"
AXES_USERNAME_CALLABLE = "servicelane.core.auth.login_username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Password spraying (core/throttles.py): a client address is refused every login once
# this many logins from it failed, whatever the accounts, within one cool-off window.
# Successful logins never count, so a workshop behind one address is not locked out.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)

# --- internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "servicelane" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG

# --- e-mail ---------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "servicelane <noreply@servicelane.localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Links in e-mails to customers point here (no request to take the host from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A customer's link to their booking stops working this many days after the visit.
APPOINTMENT_LINK_DAYS_AFTER = env_int("APPOINTMENT_LINK_DAYS_AFTER", 7)
# Bookings from the public page per client address and hour.
PUBLIC_BOOKING_RATE_PER_HOUR = env_int("PUBLIC_BOOKING_RATE_PER_HOUR", 10)
# The reminder goes out at this local hour on the day before the visit.
APPOINTMENT_REMINDER_HOUR = env_int("APPOINTMENT_REMINDER_HOUR", 10)

# --- background tasks -----------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- security -------------------------------------------------------------
# Secure by default outside DEBUG; each can be relaxed from the environment
# (for example behind a proxy that already redirects to HTTPS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, enforced (django-csp): everything from this site only, no
# inline script and no eval (static/js/servicelane.js binds behaviour through data-
# attributes; htmx runs without eval). style= attributes stay allowed, as the board
# and the charts place bars by percentages the server computes; <style> elements and
# style sheets from elsewhere are refused. PDF responses carry no policy
# (core/security_headers.py): Chromium's PDF viewer would be blocked by object-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- servicelane ----------------------------------------------------------
PAGE_SIZE = env_int("PAGE_SIZE", 25)

# Repair orders
# An express or body & paint promise holds when the customer checks in no later
# than this many minutes after the booked time.
PROMISE_GRACE_MINUTES = env_int("PROMISE_GRACE_MINUTES", 10)
# How long the customer's estimate link works after it is sent.
ESTIMATE_LINK_HOURS = env_int("ESTIMATE_LINK_HOURS", 72)
# How long the progress link works after the car is handed over.
PROGRESS_LINK_DAYS_AFTER = env_int("PROGRESS_LINK_DAYS_AFTER", 14)
# Largest photo accepted before resizing, and the longest side kept.
PHOTO_MAX_UPLOAD_MB = env_int("PHOTO_MAX_UPLOAD_MB", 15)
PHOTO_MAX_SIDE = env_int("PHOTO_MAX_SIDE", 1600)
# Uploads (core/uploads.py): the most pixels a photo may have, counted before it is
# decoded; the largest PDF document and CBS document (JSON) accepted.
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 60_000_000)
PDF_MAX_UPLOAD_MB = env_int("PDF_MAX_UPLOAD_MB", 20)
CBS_MAX_UPLOAD_KB = env_int("CBS_MAX_UPLOAD_KB", 512)

# Service book and follow-up
# Cars with no mileage history are assumed to drive this much a year.
DEFAULT_KM_PER_YEAR = env_int("DEFAULT_KM_PER_YEAR", 15000)
# The daily reminder batch: items due within this many days, warranties ending
# within this many days; it runs at this UTC time.
SERVICE_REMINDER_HORIZON_DAYS = env_int("SERVICE_REMINDER_HORIZON_DAYS", 30)
WARRANTY_REMINDER_DAYS = env_int("WARRANTY_REMINDER_DAYS", 60)
SERVICE_REMINDER_HOUR_UTC = env_int("SERVICE_REMINDER_HOUR_UTC", 6)
# How long the owner's service book link and the survey link work.
SERVICE_BOOK_LINK_DAYS = env_int("SERVICE_BOOK_LINK_DAYS", 30)
# The author workshop corrects a service-book entry within this many days of writing it.
SERVICE_BOOK_CORRECTION_DAYS = env_int("SERVICE_BOOK_CORRECTION_DAYS", 7)
SURVEY_LINK_DAYS = env_int("SURVEY_LINK_DAYS", 30)
# Where service entries for teleservice cars wait for the car to fetch them.
TELESERVICE_BACKEND = env("TELESERVICE_BACKEND", "servicelane.servicebook.transfer.OutboxBackend")
TELESERVICE_OUTBOX_DIR = env("TELESERVICE_OUTBOX_DIR", str(VAR_DIR / "teleservice"))
