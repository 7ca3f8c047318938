"""ctdb settings, read from the environment.

DATABASE_URL      database (default: SQLite file var/ctdb.sqlite3 in the project)
DJANGO_SECRET_KEY required unless DJANGO_DEBUG is on
DJANGO_DEBUG      "1"/"true" for local development (default off)
DJANGO_ALLOWED_HOSTS  comma-separated (default: localhost names)
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ctdb.core.domains import find_domains

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development.")
    SECRET_KEY = "insecure-development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The domain folders, each with the same file set (docs/adding-a-record-type.md),
# found in ctdb/ (ctdb.core.domains); every layer finds their files there too.
# Their models keep the `core` app label and tables. Named here only for the
# order their files and routes have been published in: a new folder needs no
# line, and comes after these.
CTDB_DOMAINS = find_domains(
    ("ctdb.sources", "ctdb.organisations", "ctdb.actors", "ctdb.attacks", "ctdb.agreements"),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ctdb.core",
    *CTDB_DOMAINS,
    # Layers over every domain, each owning its management commands.
    "ctdb.api",
    "ctdb.exports",
    "ctdb.synthetic",
    "ctdb.fixture_compiler",
    "ctdb.bench",
    "ctdb.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ctdb.ops.bad_input.NulInQueryMiddleware",  # after Locale: the 400 is in the editor's language
    "django.middleware.common.CommonMiddleware",
    "ctdb.ops.errors.StatementTimeoutMiddleware",
    "ctdb.ops.imports.ImportSizeLimitMiddleware",  # before CSRF, which would read the whole upload
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its response
]

ROOT_URLCONF = "ctdb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ctdb" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "ctdb.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'ctdb.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        # A kept connection is tested before reuse, so the app reconnects by
        # itself after the database restarts instead of failing one request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
# PostgreSQL cancels a statement of the web process after
# CTDB_STATEMENT_TIMEOUT_MS (0: never), below gunicorn's 30 s worker timeout,
# so that a slow query is a clear 503 (ctdb.ops.errors) instead of a killed
# worker. Management commands (migrate, imports, exports, backups) are not
# requests and run without it.
CTDB_STATEMENT_TIMEOUT_MS = int(os.environ.get("CTDB_STATEMENT_TIMEOUT_MS", "20000"))
RUNNING_COMMAND = Path(sys.argv[0]).name in {"manage.py", "django-admin"} and sys.argv[1:2] != ["runserver"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and CTDB_STATEMENT_TIMEOUT_MS:
    if not RUNNING_COMMAND:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c statement_timeout={CTDB_STATEMENT_TIMEOUT_MS}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "ctdb" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "ctdb" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The read-only API (ctdb.api). Anonymous clients are rate-limited by IP
# address (ctdb.ops.client_ip): CTDB_API_ANON_RATE (default 600/minute).
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "ctdb.api.filters.FoldedSearchFilter",
        "ctdb.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "ctdb.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "ctdb.api.schema.CtdbAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["ctdb.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("CTDB_API_ANON_RATE", "600/minute")},
}

# The client's address (login lockout, API throttle) is REMOTE_ADDR, unless
# that is one of these proxies (comma-separated addresses or networks): then
# X-Forwarded-For is read, right to left, past the trusted proxies in it.
# Empty (the default): the header is ignored, so no client can forge it.
CTDB_TRUSTED_PROXIES = env_list("CTDB_TRUSTED_PROXIES")
from ctdb.ops.client_ip import trusted_networks  # noqa: E402

trusted_networks(tuple(CTDB_TRUSTED_PROXIES))  # a typo stops the start, not the first login

SPECTACULAR_SETTINGS = {
    "TITLE": "ctdb API",
    "DESCRIPTION": """Read-only API of ctdb, a counter-terrorism database in which every fact \
cites the sentence of the Arabic article that reports it.

* **Resources** under `/api/v1/`, looked up by their stable `slug`. Anyone may read; \
any other method answers 405.
* **Records** carry related records as small summaries (with slugs) and the citations that \
support them, so one request is enough. Partial dates are ISO strings of the precision the \
source gives (`2016`, `2016-07`, `2016-07-04`) with a sibling `<field>_precision`. \
`inferred` lists the values an editor inferred rather than read.
* **Search** (`search=`) is ranked, best first: it ignores Arabic spelling variants, clitics \
and Latin accents, meets Latin and Arabic spellings of a name, and looks in names, aliases \
and related names. `/api/v1/search/?q=` searches every kind at once. Aliases marked \
`editorial` are well-known names no article spells out, with the editors' reasoning. \
**Filters** take slugs of related records; `updated_since` serves \
incremental copies. **Ordering** (`ordering=`) always ends with `slug`.
* **Pages**: `page` and `page_size` (at most 500; more is a 400), down to the first 10,000 \
records (page × page_size; deeper is a 400). Each resource also has `/sync/`, keyset pages in \
order of change for copying the whole set and keeping it current, at any depth; a sync page \
stops early at about 1 MB of JSON, and its `cursor` continues from there.
* **CSV**: `format=csv` (or `Accept: text/csv`) gives the current page as flat columns, \
listed with each operation; pages are linked in the `Link` header.
* **Limits**: anonymous clients are throttled per IP address (429 with `Retry-After`).
""",
    "VERSION": "2.1.0",  # 2.1: /search/, ranked `search`, aliases' provenance and reasoning
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public validator service from a reader's browser.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids by resource (`attacks_list`), not by version.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # One named enum per vocabulary, where several fields share a name.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "ctdb.core.choices.OrganisationKind",
        "AttackKindEnum": "ctdb.core.choices.AttackKind",
        "AttributionKindEnum": "ctdb.core.choices.AttributionKind",
        "AgreementKindEnum": "ctdb.core.choices.AgreementKind",
        "AgreementStatusEnum": "ctdb.core.choices.AgreementStatus",
        "AliasKindEnum": "ctdb.core.choices.AliasKind",
        "RelationshipKindEnum": "ctdb.core.choices.OrganisationRelationshipKind",
        "AttackLinkKindEnum": "ctdb.core.choices.AttackLinkKind",
        "PartyRoleEnum": "ctdb.core.choices.PartyRole",
        "LanguageEnum": "ctdb.core.choices.Language",
        "DatePrecisionEnum": "ctdb.core.choices.DatePrecision",
    },
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The API's answers (ctdb/api/cache.py), per process; a page is 10-500 kB.
    "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}},
}
# State every worker must share (the API throttle's counts) is in Redis,
# CTDB_REDIS_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0. Without it,
# each process counts on its own, and ctdb.api.throttling logs a warning.
REDIS_URL = os.environ.get("CTDB_REDIS_URL") or os.environ.get("REDIS_URL")
CACHES["shared"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ctdb",
        # A Redis that hangs fails the request in a second, not at the worker timeout.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}
)
# The API's answers are kept in Redis when there is one, shared by every
# worker (a page is built once, not once per worker; docker-compose bounds
# Redis's memory, evicting the oldest answers first); else in each process.
CTDB_API_CACHE = "shared" if REDIS_URL else "api"
CTDB_API_CACHE_SECONDS = int(os.environ.get("CTDB_API_CACHE_SECONDS", "300"))
# Larger answers (compressed) are not cached: in each process, 500 entries of
# at most 256 kB bound the cache at 128 MB; in Redis, its maxmemory does.
CTDB_API_CACHE_ENTRY_BYTES = int(os.environ.get("CTDB_API_CACHE_ENTRY_BYTES", str(256 * 1024)))
# Numbered pages reach this many records (page × page_size); /sync/ goes further (ctdb/api/pagination.py).
CTDB_API_MAX_PAGE_DEPTH = int(os.environ.get("CTDB_API_MAX_PAGE_DEPTH", "10000"))
# A sync page stops early once its records' JSON would exceed this many bytes.
CTDB_API_SYNC_PAGE_BYTES = int(os.environ.get("CTDB_API_SYNC_PAGE_BYTES", str(1024 * 1024)))

# Production hardening, switched on for a deployment behind a TLS proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): scripts, styles and everything else
# only from ctdb itself, so injected markup cannot run script; no framing.
from csp.constants import NONE, SELF  # noqa: E402

# The one inline <style> ctdb serves: drf-spectacular's Swagger UI page
# (tests/ops/test_security_headers.py checks the hash against its template).
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, SWAGGER_UI_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Logs go to stdout, one JSON object per line (DJANGO_LOG_FORMAT=json, the
# default without DEBUG) or as plain text lines (plain, the default with it).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT") or ("plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "ctdb.ops.logs.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Failed logins and lockouts are warnings; successful logins are in the
    # admin's access log, not two lines each on stdout.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Admin logins (django-axes): after CTDB_LOGIN_FAILURE_LIMIT failed attempts
# the client's IP address may not try again for CTDB_LOGIN_COOLOFF_MINUTES.
# Behind trusted proxies the address comes from X-Forwarded-For (ctdb.ops.client_ip).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CTDB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("CTDB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "ctdb.ops.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "ops/login_locked_out.html"
AXES_RESET_ON_SUCCESS = False  # one known password must not buy more guesses at others

# Backups (manage.py backup_db / restore_db, make backup / make restore).
CTDB_BACKUP_DIR = Path(os.environ.get("CTDB_BACKUP_DIR") or BASE_DIR / "var" / "backups")

# Import-export: imports run in one transaction and roll back on any error.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Larger imports are refused before they are read (ctdb.ops.imports).
CTDB_IMPORT_MAX_BYTES = int(os.environ.get("CTDB_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# And files with more rows (below the header) or columns, whatever size they claim (ctdb.ops.import_formats).
CTDB_IMPORT_MAX_ROWS = int(os.environ.get("CTDB_IMPORT_MAX_ROWS", "250000"))
CTDB_IMPORT_MAX_COLUMNS = int(os.environ.get("CTDB_IMPORT_MAX_COLUMNS", "100"))
# Between its preview and its confirmation an import's file waits in the temp
# dir, for the session that uploaded it only, with its bytes exact
# (ctdb.ops.import_storage, ctdb.ops.import_guard); files older than this are
# deleted on every upload and by manage.py clean_import_files.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "ctdb.ops.import_storage.ImportFileStorage"
# Where an import's file waits for its jobs (ctdb.ops.import_storage): a folder
# the web server and the import worker share (docker-compose: var/imports on
# their common volume). Default: "ctdb-imports" in the system's temp dir.
CTDB_IMPORT_DIR = os.environ.get("CTDB_IMPORT_DIR", "")
# Admin imports are previewed and applied by background jobs (ctdb.ops.import_jobs),
# queued in the database (django-tasks-db) and run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CTDB_IMPORT_TEMP_MAX_AGE_SECONDS = int(os.environ.get("CTDB_IMPORT_TEMP_MAX_AGE_SECONDS", str(6 * 3600)))

# Editors import and export CSV and XLSX; cells that a spreadsheet would run
# as formulas (=, +, -, @ at the start) are neutralised on export, by
# ctdb's own formats: import-export's escaping misses most of them.
# Imports read them within CTDB_IMPORT_MAX_ROWS and CTDB_IMPORT_MAX_COLUMNS.
from ctdb.ops import import_formats  # noqa: E402
from ctdb.ops.spreadsheets import CSV, XLSX  # noqa: E402

IMPORT_FORMATS = [import_formats.CSV, import_formats.XLSX]
EXPORT_FORMATS = [CSV, XLSX]
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
