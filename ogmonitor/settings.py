"""ogmonitor settings, all driven by environment variables (see README's configuration table).

With nothing set, ogmonitor runs on a SQLite file under ``var/`` with background work done
in-process: a fresh checkout needs no configuration. Production sets ``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DEBUG=0``.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.client_ip import parse_networks
from ogmonitor.lib.env import env_bool, env_int, env_list, env_str
from ogmonitor.lib.ratelimits import env_rate
from ogmonitor.ops.logs import log_format

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("OGMONITOR_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/ (never committed)."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # modeltranslation must precede the admin so translated fields show there (STACK-NOTES 5).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "csp",
    "django_ratelimit",  # for its system checks (see SILENCED_SYSTEM_CHECKS)
    "ogmonitor.accounts",
    "ogmonitor.places",
    "ogmonitor.plans",
    "ogmonitor.surveys",
    "ogmonitor.findings",
    "ogmonitor.engagement",
    "ogmonitor.disclosure",
    "ogmonitor.logframe",
    "ogmonitor.reports",
    "ogmonitor.portal",
    "ogmonitor.api",
    "ogmonitor.demo",
    "ogmonitor.ops",
    "ogmonitor.audit",
]

MIDDLEWARE = [
    # First, so every log line of a request and every response (redirects too) carry its id.
    "ogmonitor.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ogmonitor.lib.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: records the signed-in user as the actor of every audited change.
    "auditlog.middleware.AuditlogMiddleware",
    "ogmonitor.lib.cache.DataVersionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a refused POST (django_ratelimit.exceptions.Ratelimited) into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes requires: answers a locked-out login attempt with AXES_LOCKOUT_CALLABLE.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ogmonitor.urls"
WSGI_APPLICATION = "ogmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ogmonitor.portal.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise. Persistent connections matter
# on PostgreSQL (~5x API throughput, STACK-NOTES 4).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ogmonitor.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: WAL so readers never wait on a writer; IMMEDIATE transactions so two writers
    # queue instead of failing with "database is locked" half-way through an import.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out name and address before any password is checked (django-axes).
    "ogmonitor.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Azerbaijani first, English always, Russian welcome.
LANGUAGE_CODE = "az"
LANGUAGES = [("az", _("Azerbaijani")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "az"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("az", "en")
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Baku")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic` first, so production turns them on explicitly.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: plan and response files are read in memory up to this size, streamed beyond it.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
OGMONITOR_MAX_UPLOAD_BYTES = env_int("OGMONITOR_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
#: Days an authority has to answer a proposal before it is shown as overdue (each proposal may
#: set its own). A default only: set it to the term the authorities' rules on appeals give.
PROPOSAL_ANSWER_DAYS = env_int("PROPOSAL_ANSWER_DAYS", 30)

# Background work: eager and in-process unless a broker is configured.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Jobs survive a worker's death (docs/production.md): a job is acknowledged only once it has
# finished, so one whose worker was killed (restart, deploy, out of memory) is handed out again;
# each task is idempotent (ogmonitor/*/tasks.py). Each worker process reserves one job at a
# time, so queued jobs go to whichever process is free instead of waiting behind a long import.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Lost the broker mid-job? The job cannot be acknowledged any more and will be redelivered:
# stop it rather than run it twice at once (Celery 6's default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands a job not acknowledged after this many seconds to another worker. It must exceed
# the longest job (a 100,000-respondent import takes about a minute), or a job still running
# would be started a second time: so jobs are stopped before it (the soft limit raises inside
# the job, which marks its import or report failed; the hard limit kills the process).
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_TASK_SOFT_TIME_LIMIT = max(30, _visibility_timeout - 120)
CELERY_TASK_TIME_LIMIT = max(60, _visibility_timeout - 60)

#: Anonymous public pages and API responses are cached this long at most (any data change retires
#: them earlier: see ogmonitor/lib/cache.py); 0 turns the cache off. Browsers may keep a copy
#: for PUBLIC_BROWSER_CACHE_SECONDS.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 600)
PUBLIC_BROWSER_CACHE_SECONDS = env_int("PUBLIC_BROWSER_CACHE_SECONDS", 60)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Security. HTTPS=1 (production behind TLS) turns on secure cookies, HSTS and the redirect;
# plain http stays the default so `make demo` works on 127.0.0.1 without certificates.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check answers plain http too: monitors and load balancers probe the web process
# directly, without TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

#: The reverse proxies in front of ogmonitor (addresses or networks, comma-separated: "127.0.0.1"
#: for nginx on the same machine). Only a request coming from one of them has its X-Forwarded-For
#: believed when login lockouts and rate limits tell visitors apart (ogmonitor/lib/client_ip.py);
#: empty, the connecting address is the visitor. Gunicorn on a Unix socket counts as behind a
#: local proxy. Set it behind a proxy, or every visitor shares the proxy's address and one
#: attacker locks everyone out.
TRUSTED_PROXIES = [str(network) for network in parse_networks("TRUSTED_PROXIES", env_list("TRUSTED_PROXIES"))]

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from
# one address, that name cannot log in from that address for AXES_COOLOFF_MINUTES (a wrong
# attempt meanwhile starts the wait again); other names and addresses are unaffected, so an
# attacker cannot lock a colleague out from elsewhere. The site's and the admin's login pages
# both go through it; API tokens do not log in and are not affected. `manage.py axes_reset`
# lifts every lockout (axes_reset_username NAME one user's).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
_cooloff_minutes = env_int("AXES_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or _cooloff_minutes < 1:
    # 0 minutes would make axes lock out for good, until an administrator runs axes_reset.
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1.")
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ogmonitor.lib.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "ogmonitor.accounts.views.locked_out"
AXES_VERBOSE = False  # no start-up banner before every command's output; lockouts are still logged

# Rate limits (django-ratelimit, ogmonitor/lib/ratelimits.py) on POSTs to the forms open to the
# internet, counted per visitor address in CACHES["default"]; "off" lifts one. A whole village
# hall may answer a self-completion link from one address: raise RATE_LIMIT_SELF_COMPLETION_IP
# for such a day rather than turning it off.
RATE_LIMIT_LOGIN = env_rate("RATE_LIMIT_LOGIN", "30/h")
RATE_LIMIT_SELF_COMPLETION_IP = env_rate("RATE_LIMIT_SELF_COMPLETION_IP", "30/h")
RATE_LIMIT_SELF_COMPLETION_LINK = env_rate("RATE_LIMIT_SELF_COMPLETION_LINK", "300/h")
RATE_LIMIT_PROPOSALS = env_rate("RATE_LIMIT_PROPOSALS", "60/h")
RATELIMIT_VIEW = "ogmonitor.lib.ratelimits.rate_limited"
RATELIMIT_IP_META_KEY = "ogmonitor.lib.client_ip.client_ip"
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit's list of supported caches predates Django's own Redis backend, which
    # increments atomically as it needs.
    "django_ratelimit.W001",
]
if not REDIS_URL:
    # Without Redis the cache is per process, so is the count: exact for the single web process
    # this configuration runs (docs/production.md), loose by the number of processes otherwise.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Content-Security-Policy (django-csp): scripts only from our own files, so an injected <script>
# or on…= attribute does not run. htmx is told not to evaluate code (base.html's htmx-config).
# Styles allow 'unsafe-inline': result bars, progress bars and indented questions take their
# width from the data in a style attribute, and the results pages carry their own <style>;
# injected CSS cannot run code, which is what this policy is for.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # The API (docs/api.md): a token ("Authorization: Token …", `manage.py api_token`) or the
    # site's session; token first, so a request without credentials gets 401 with a challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "ORDERING_PARAM": "ordering",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ogmonitor API",
    "DESCRIPTION": "Open data of the local monitoring of Azerbaijan's Open Government National Action Plans (see docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationTypeEnum": "ogmonitor.places.models.Organization.Type",
        "QuestionTypeEnum": "ogmonitor.surveys.models.Question.Type",
        "SubmissionStatusEnum": "ogmonitor.surveys.models.Submission.Status",
        "SurveyChannelEnum": "ogmonitor.surveys.models.Channel",
        "PublicationChannelEnum": "ogmonitor.disclosure.models.Publication.Channel",
        "ProposalChannelEnum": "ogmonitor.engagement.models.Proposal.Channel",
        "RecommendationStatusEnum": "ogmonitor.findings.models.Recommendation.Status",
        "ReportFormatEnum": "ogmonitor.reports.models.Report.Format",
        "EventTypeEnum": "ogmonitor.engagement.models.Event.Type",
        "EventStatusEnum": "ogmonitor.engagement.models.Event.Status",
        "EventFormatEnum": "ogmonitor.engagement.models.Event.Format",
        "ProposalStatusEnum": "ogmonitor.engagement.models.Proposal.Status",
    },
}

# Logs go to stderr, as plain lines (LOG_FORMAT=plain) or one JSON object per line (json) for a
# log collector, with the request's or job's id (ogmonitor/ops/logs.py). The worker logs the same
# way (ogmonitor/celery.py), and so does gunicorn (`ogmonitor web`).
LOG_FORMAT = log_format()
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "ogmonitor.ops.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "ogmonitor.ops.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint and fontTools narrate every PDF at INFO; their warnings are what matter.
    "loggers": {name: {"level": "WARNING"} for name in ("django.db.backends", "weasyprint", "fontTools")},
}
