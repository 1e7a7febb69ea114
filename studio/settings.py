"""Django settings for Story Studio, read from the environment (and `.env` if present)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from studio.secret_key import installation_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# Without SECRET_KEY (development), the installation's own random key, made once in SECRET_KEY_FILE (mode 0600).
# Production must set SECRET_KEY: several machines have to share it.
SECRET_KEY_FILE = Path(env("SECRET_KEY_FILE", default=str(VAR_DIR / "secret_key")))
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or .env) when DEBUG is off.")
    SECRET_KEY = installation_secret_key(SECRET_KEY_FILE)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many proxies of ours append to X-Forwarded-For in front of the app; 0: the client address is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Embedded services, used when no external server is configured.
EMBEDDED_MONGO_HOST = env("EMBEDDED_MONGO_HOST", default="127.0.0.1")
# They have no authentication: loopback only, unless this is set (never on a shared network).
EMBEDDED_ALLOW_REMOTE_BIND = env.bool("EMBEDDED_ALLOW_REMOTE_BIND", default=False)
EMBEDDED_MONGO_PORT = env.int("EMBEDDED_MONGO_PORT", default=27018)
EMBEDDED_MONGO_PATH = Path(env("EMBEDDED_MONGO_PATH", default=str(VAR_DIR / "embedded-mongo.sqlite3")))
EMBEDDED_REDIS_PORT = env.int("EMBEDDED_REDIS_PORT", default=6380)

MONGODB_URI = env("MONGODB_URI", default="")
MONGODB_DB_NAME = env("MONGODB_DB_NAME", default="story_studio")
REDIS_URL = env("REDIS_URL", default="") or f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
# How long an account is kept in Redis for authenticating requests (story_admin.account_cache); 0: never kept,
# every request reads it from the database.
ACCOUNT_CACHE_SECONDS = env.int("ACCOUNT_CACHE_SECONDS", default=30)

INSTALLED_APPS = [
    "studio.apps.MongoAdminConfig",
    "studio.apps.MongoAuthConfig",
    "studio.apps.MongoContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "corsheaders",
    "graphene_django",
    "studio.apps.MongoDjangoRqConfig",
    "story_admin.apps.StoryAdminConfig",
    "graph_api.apps.GraphApiConfig",
    "studio.apps.StudioConfig",
    "reader.apps.ReaderConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "studio.request_limits.RequestSizeLimitMiddleware",
    "studio.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

if not DEBUG:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "studio.urls"
WSGI_APPLICATION = "studio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "studio" / "templates"],
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

DATABASES = {
    "default": {
        "ENGINE": "django_mongodb_backend",
        "HOST": MONGODB_URI or f"mongodb://{EMBEDDED_MONGO_HOST}:{EMBEDDED_MONGO_PORT}/",
        "NAME": MONGODB_DB_NAME,
        "OPTIONS": {"serverSelectionTimeoutMS": env.int("MONGODB_TIMEOUT_MS", default=5000)},
    },
}
DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
MIGRATION_MODULES = {
    "admin": "studio.mongo_migrations.admin",
    "auth": "studio.mongo_migrations.auth",
    "contenttypes": "studio.mongo_migrations.contenttypes",
    "django_rq": "studio.mongo_migrations.django_rq",
}

AUTH_USER_MODEL = "story_admin.User"
LOGIN_URL = "studio:signin"
AUTHENTICATION_BACKENDS = ["story_admin.auth_backends.ThrottledModelBackend"]
# Django's defaults, plus plain bcrypt: accounts imported from the old backend keep their bcrypt
# hashes and are upgraded to PBKDF2 at their first sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# GraphQL (graph_api). Tokens: `Authorization: JWT <token>`, signed with SECRET_KEY.
GRAPHENE = {
    "SCHEMA": "graph_api.schema.schema",
    # No graphene middleware: one wraps every field's resolver (13,000 calls for a 500-scene story); the
    # view authenticates the token once (graph_api.views).
    "MIDDLEWARE": [],
    "RELAY_CONNECTION_MAX_LIMIT": 100,
}
GRAPHIQL = env.bool("GRAPHIQL", default=DEBUG)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=DEBUG)
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=10)
GRAPHQL_MAX_PAGE_SIZE = 100
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=100)
# Fields times list sizes (each list counted as graph_api.validation.LIST_FACTOR items), fragments expanded.
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=5000)
GRAPHQL_MAX_BODY_BYTES = env.int("GRAPHQL_MAX_BODY_BYTES", default=1024 * 1024)
OPEN_AUTHOR_SIGNUP = env.bool("OPEN_AUTHOR_SIGNUP", default=False)
GRAPHQL_JWT = {
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_EXPIRATION_DELTA": timedelta(seconds=env.int("JWT_EXPIRATION_DELTA", default=3600)),
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=env.int("JWT_REFRESH_EXPIRATION_DAYS", default=7)),
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_REFRESH_TOKEN_MODEL": "graph_api.RefreshToken",
    # Tokens name the account by id and token version and must carry `exp` and `origIat` (graph_api/auth.py).
    "JWT_PAYLOAD_HANDLER": "graph_api.auth.jwt_payload",
    "JWT_DECODE_HANDLER": "graph_api.auth.jwt_decode",
    "JWT_PAYLOAD_GET_USERNAME_HANDLER": "graph_api.auth.token_subject",
    "JWT_GET_USER_BY_NATURAL_KEY_HANDLER": "graph_api.auth.user_of_token",
}
# In development the usual local dev servers may call the API out of the box: Vite's 5173 (the old
# editor) and 3000 (create-react-app, Next), on localhost and 127.0.0.1. In production only what is set.
LOCAL_DEV_ORIGINS = [f"http://{host}:{port}" for port in (5173, 3000) for host in ("localhost", "127.0.0.1")]
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[]) or (LOCAL_DEV_ORIGINS if DEBUG else [])
CORS_URLS_REGEX = r"^/graphql/?$"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (the reading site's password reset), as Django 6.1's MAILERS: in development printed on the console
# unless EMAIL_HOST names an SMTP server; in production always SMTP (EMAIL_HOST, by default this machine's).
smtp_host = env("EMAIL_HOST", default="" if DEBUG else "localhost")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": smtp_host,
            "port": env.int("EMAIL_PORT", default=587),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        },
    }
    if smtp_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Story Studio <noreply@localhost>")

RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600} for name in ("default", "image", "sound", "music")}

# Media generation (generation/).
HUGGINGFACE_API_URL = env("HUGGINGFACE_API_URL", default="https://router.huggingface.co/hf-inference/models")
HF_IMAGE_MODEL = env("HF_IMAGE_MODEL", default="stabilityai/stable-diffusion-xl-base-1.0")
HUGGINGFACE_API_TOKEN = env("HUGGINGFACE_API_TOKEN", default="")
TTS_PROVIDER = env("TTS_PROVIDER", default="gtts")
MUSICGEN_MODEL = env("MUSICGEN_MODEL", default="facebook/musicgen-small")
# Quotas per author (superusers have none) and the longest text one narration reads (~2.2 KB of audio a character).
GENERATION_PER_MINUTE = env.int("GENERATION_PER_MINUTE", default=10)
GENERATION_PER_DAY = env.int("GENERATION_PER_DAY", default=200)
NARRATION_MAX_CHARACTERS = env.int("NARRATION_MAX_CHARACTERS", default=3000)
# Proofing with state (story_admin.analysis): the exploration's caps, the random playthroughs, and from how many
# scenes the Endings page runs it as a job on the `default` queue; the problems list uses the smaller caps.
ANALYSIS_MAX_STATES = env.int("ANALYSIS_MAX_STATES", default=200_000)
ANALYSIS_MAX_SECONDS = env.float("ANALYSIS_MAX_SECONDS", default=10.0)
ANALYSIS_PLAYTHROUGHS = env.int("ANALYSIS_PLAYTHROUGHS", default=10_000)
ANALYSIS_JOB_SCENES = env.int("ANALYSIS_JOB_SCENES", default=200)
# From this many scenes the studio map draws the cheaper way (straight arrows, a picture of the map while panning).
MAP_LARGE_STORY_SCENES = env.int("MAP_LARGE_STORY_SCENES", default=600)
ANALYSIS_PROBLEMS_MAX_STATES = env.int("ANALYSIS_PROBLEMS_MAX_STATES", default=20_000)
ANALYSIS_PROBLEMS_MAX_SECONDS = env.float("ANALYSIS_PROBLEMS_MAX_SECONDS", default=1.0)
# What authors learn from their players (story_admin.analytics): a player who has not finished and has not moved
# for this many days stopped at their scene (drop-off, counted by the hour); the figures are kept this many
# seconds in Redis (0: not kept, added up at each request).
ANALYTICS_DROP_OFF_DAYS = env.int("ANALYTICS_DROP_OFF_DAYS", default=7)
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=30)

LANGUAGE_CODE = "en-us"
# Interface languages (the reading site is translated; each story is shown in its own language).
LANGUAGES = [("en", "English"), ("fr", "Français")]
# The language an author or reader picks (Django's set_language, the switch in each site's header) is kept a
# year in a cookie, so it outlives the browser session; without it the browser's Accept-Language decides.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# build/static: the map's browser libraries, bundled from node_modules by `make js` (not committed).
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_STORAGE = env("MEDIA_STORAGE", default="gridfs")
STORAGES = {
    "default": {
        "BACKEND": {
            "gridfs": "generation.storage.GridFSStorage",
            "filesystem": "django.core.files.storage.FileSystemStorage",
        }.get(MEDIA_STORAGE, MEDIA_STORAGE)
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)  # checked from the header, before decoding
# Backup zips: MAX_UPLOAD_BYTES caps the expanded total too; a member expanding more than this ratio is a bomb.
BACKUP_MAX_COMPRESSION_RATIO = env.int("BACKUP_MAX_COMPRESSION_RATIO", default=100)
BACKUP_MAX_FILES = env.int("BACKUP_MAX_FILES", default=5000)
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Content-Security-Policy of every page (Django's own CSP middleware): scripts from our origin only,
# no inline scripts or javascript: links; styles may be inline (the story map places its cards with
# style attributes); images and sounds of registered assets may come from any http(s) address.
# /media/ sends its own stricter policy; GraphiQL (development only) is exempt: it loads from a CDN.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "https:", "http:", "data:"],
    "media-src": ["'self'", "https:", "http:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
