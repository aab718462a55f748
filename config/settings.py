"""Django settings for the paste site, every value from the environment (12-factor).

With DEBUG=true development needs nothing else (SQLite under ./data). With DEBUG off the site
refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from apps import environment as env
from apps import sitewide

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.Text("DATA_DIR", str(BASE_DIR / "data")).read())

try:
    DEBUG = sitewide.DEBUG.read()
    SECRET_KEY = env.Text("SECRET_KEY", "").read()
    if not SECRET_KEY:
        if not DEBUG:
            raise ImproperlyConfigured(
                "SECRET_KEY is not set. Set it to a long random string "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
                "or set DEBUG=true for local development."
            )
        SECRET_KEY = "insecure-development-key-do-not-deploy"
    ALLOWED_HOSTS = sitewide.allowed_host_names()  # the list every app checks Host against
    if not DEBUG and not ALLOWED_HOSTS:
        sitewide.ALLOWED_HOSTS.fail("", "the site's host names, comma-separated")
    CSRF_TRUSTED_ORIGINS = list(env.Words("CSRF_TRUSTED_ORIGINS", expected="origins, comma-separated").read())
    SNIPPET_MAX_BYTES = env.Size("SNIPPET_MAX_BYTES", 512 * 1024, minimum=1).read()  # a revision's files together
    SNIPPET_MAX_FILES = env.Integer("SNIPPET_MAX_FILES", 20, minimum=1, maximum=1000).read()  # files per revision
    # revisions per snippet; at most 100, so a snippet's revision list (API, history page) is short enough to send whole
    SNIPPET_MAX_REVISIONS = env.Integer("SNIPPET_MAX_REVISIONS", 100, minimum=1, maximum=100).read()
    database_url = env.Text("DATABASE_URL", f"sqlite:///{DATA_DIR / 'composite.sqlite3'}")
    DATABASE_URL = database_url.read()
    ALLOW_FILE_DATABASE = env.Boolean("ALLOW_FILE_DATABASE", False).read()
    REDIS_URL = env.REDIS_URL.read()
    # Every cache is bounded in bytes: the process's own memory for cached renderings (when
    # there is no Redis), and the largest entry any cache keeps (renderings are compressed).
    SNIPPETS_CACHE_BYTES = env.Size("SNIPPETS_CACHE_BYTES", 32 * 1024 * 1024, minimum=0).read()
    SNIPPETS_CACHE_ITEM_BYTES = env.Size("SNIPPETS_CACHE_ITEM_BYTES", 4 * 1024 * 1024, minimum=0).read()
    STATIC_ROOT = Path(env.Text("STATIC_ROOT", str(BASE_DIR / "staticfiles")).read()) / "snippets"
    SECURE_COOKIES = env.Boolean("SECURE_COOKIES", True).read()
    SECURE_SSL_REDIRECT = env.Boolean("SECURE_SSL_REDIRECT", False).read()
    SECURE_HSTS_SECONDS = env.Integer("SECURE_HSTS_SECONDS", 0, minimum=0).read()
    DEBUG_ERROR_PAGES = env.Boolean("DEBUG_ERROR_PAGES", True).read()
except env.ConfigError as error:
    raise ImproperlyConfigured(str(error)) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config",  # the whole site's collectstatic (before staticfiles', which it extends)
    "django.contrib.staticfiles",
    "apps.snippets",
]

MIDDLEWARE = [
    # CSP on every page and Secure on every cookie over https: outermost, it sees them all.
    "apps.snippets.headers.SiteHeaders",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 403 for writes another site's page makes a browser send (the API has no CSRF token).
    "apps.snippets.crosssite.RefuseCrossSiteWrites",
    # 413 for oversized bodies before the CSRF check reads them; 503 when the database is down.
    "apps.snippets.middleware.RefuseOversizedBodies",
    "apps.snippets.middleware.DatabaseUnavailable",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.snippets.lazymessages.LazyMessageMiddleware",  # Django's, storage made when first used
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "apps.snippets.urls"
WSGI_APPLICATION = "apps.snippets.wsgi.application"

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
                "apps.snippets.context_processors.site",
            ],
        },
    },
]


def database_from_url(url):
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not usable: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several gunicorn workers write at once: WAL lets readers run beside the writer,
        # IMMEDIATE transactions take the write lock up front instead of failing mid-way,
        # and the busy timeout waits for it rather than raising "database is locked".
        config["CONN_MAX_AGE"] = None
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config


# Environment variables by which a PaaS whose filesystem is wiped at every restart is known:
# Heroku (DYNO), Render, Dokku, Fly.io, Railway.
PAAS_MARKERS = ("DYNO", "RENDER", "DOKKU_", "FLY_APP_NAME", "RAILWAY_ENVIRONMENT")


def paas_marker():
    """The variable that shows we run on such a PaaS, or None."""
    for name in env.names():
        if any(name == marker or (marker.endswith("_") and name.startswith(marker)) for marker in PAAS_MARKERS):
            return name
    return None


def refuse_a_file_database_on_a_paas(url):
    """A SQLite file on a PaaS loses every paste at the next restart: stop, and say what to do."""
    marker = paas_marker()
    if marker is None or ALLOW_FILE_DATABASE or not url.startswith("sqlite"):
        return
    cause = f"DATABASE_URL is a SQLite file ({url})" if database_url.is_set() else "DATABASE_URL is not set"
    raise ImproperlyConfigured(
        f"{cause}, and this runs on a PaaS ({marker} is set) whose filesystem is wiped at every "
        "restart: every paste would be lost. Attach a PostgreSQL database (it sets DATABASE_URL), "
        "or set ALLOW_FILE_DATABASE=true if the file lives on storage that persists."
    )


refuse_a_file_database_on_a_paas(DATABASE_URL)
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    # Entries carry their own TTLs (a day at most) and the code never sets one over
    # SNIPPETS_CACHE_ITEM_BYTES; give the Redis server a maxmemory and allkeys-lru.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Django's LocMemCache counts entries, not bytes: this one counts bytes.
    CACHES = {
        "default": {
            "BACKEND": "apps.snippets.memorycache.BoundedMemoryCache",
            "OPTIONS": {"MAX_BYTES": SNIPPETS_CACHE_BYTES, "MAX_ITEM_BYTES": SNIPPETS_CACHE_ITEM_BYTES},
        }
    }

# At the root when the site runs alone. The composite mounts it under any prefix through
# apps.snippets.wsgi.create_app(prefix), which sets these five from apps.snippets.wsgi.mounted_at().
FORCE_SCRIPT_NAME = None
STATIC_URL = "/static/"
SESSION_COOKIE_NAME = "snippets_session"
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_NAME = "snippets_csrftoken"
CSRF_COOKIE_PATH = "/"
LANGUAGE_COOKIE_PATH = "/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Behind a PaaS router. The composite's ProxyFix has already applied X-Forwarded-Proto
# to wsgi.url_scheme, so Django reads the scheme from the request as it is.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and SECURE_COOKIES
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
DATA_UPLOAD_MAX_MEMORY_SIZE = SNIPPET_MAX_BYTES + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = SNIPPET_MAX_BYTES + 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = SNIPPET_MAX_FILES  # one more upload is refused while parsing (too_many_files)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# In DEBUG, Django shows its technical pages for errors. `composite serve` (make run) sets
# DEBUG_ERROR_PAGES=false: the site's own 404 and 410 pages, as production shows them, and
# exceptions handed on to Werkzeug's debugger, which serves all three apps alike.
if DEBUG and not DEBUG_ERROR_PAGES:
    DEBUG = False
    DEBUG_PROPAGATE_EXCEPTIONS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "httpx": {"level": "WARNING"},  # every app-to-app call would otherwise log at INFO
    },
}
