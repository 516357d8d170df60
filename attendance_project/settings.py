"""Settings for the attendance project: one module, driven by the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable (or a `.env` file beside manage.py); `.env.example` lists them.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must set one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: one switch for everything that only makes sense when the site is served over
# TLS. On by default whenever DEBUG is off, so a production deployment that forgets it
# is safe; `make run` (DEBUG on) and the test suite (HTTPS=false) serve plain HTTP.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# A year of HSTS once HTTPS is on; lower it (e.g. 3600) while trying HTTPS out, since
# browsers remember the header for this long.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
# Behind a proxy that terminates TLS, Django sees plain HTTP; the proxy says what the
# browser used in a header, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
# Only set it when the proxy always sets (or strips) that header itself.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be two comma-separated values, "
            "e.g. HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
# How many proxies in front of the app append to X-Forwarded-For (0: clients connect
# directly). Login throttling counts failures per client address, which behind a proxy
# is only in that header; see attendance_project.security.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): our pages and the Django admin load scripts,
# styles, fonts and images from this site only, and need no inline script or style
# (docs/decisions.md, Security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "submissions",
    "learners",
    "progression",
    "classes",
    # Above classes (DESIGN §5): imports classes, progression and learners.
    "reports",
    # Money from hours (issue 14): above classes too.
    "billing",
    # The job queue (issue 15): procrastinate's Django app (its worker command, its
    # jobs in the admin); its tables come from alerts' migration 0001.
    "procrastinate.contrib.django",
    # Warnings that reach people (issue 15): above reports, whose lists it reads.
    "alerts",
    # Learner records and POPIA duties (issue 16): above classes (it reads enrolments
    # and progressions for the funders' files and the subject-access file).
    "records",
]

# procrastinate's own migrations are replaced by alerts 0001, which applies the
# schema of the pinned release (schema/026 for ops); see docs/decisions.md.
MIGRATION_MODULES = {"procrastinate": None}
# On SQLite (`make run` without DATABASE_URL) the queue lives in each process's memory
# (alerts.queue); everywhere else in PostgreSQL.
PROCRASTINATE_ON_APP_READY = "alerts.queue.on_app_ready"
# Each worker: one job at a time per process is plenty (an alert is an e-mail); run
# more workers, on as many machines as wanted, for more.

MIDDLEWARE = [
    # First: a body larger than allowed is refused before anything reads it (the CSRF
    # check and django-axes read the form).
    "attendance_project.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in a parameter (or an admin selection that is no id) is a 400 before any
    # view or admin filter sees it.
    "attendance_project.middleware.RefuseMalformedParametersMiddleware",
    # Outside the session, CSRF, auth and messages middleware, so that it answers a
    # phone's queued submit (issue 13) with their final word, cookies included.
    "attendance_project.offline.DeliveryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs request.user: what a logged-in user is shown is never cached.
    "attendance_project.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the view into
    # the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "attendance_project.urls"

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
        },
    },
]

WSGI_APPLICATION = "attendance_project.wsgi.application"

# SQLite when DATABASE_URL is unset keeps `make run` dependency-free; production and
# the test suite use PostgreSQL (the schema/ files and row locks are PostgreSQL's).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# SQLite takes one writer at a time: one job at a time there. And its transactions
# take the write lock when they begin (SELECT ... FOR UPDATE is a no-op on SQLite):
# the web server, the worker and `run_alert_checks` are separate processes, and
# sending an alert must not happen in two of them at once.
_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": 1 if _SQLITE else env.int("WORKER_CONCURRENCY", default=2)
}
if _SQLITE:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# No JIT compilation: the app's queries run in milliseconds, and the reports' per-row
# subqueries push their planned cost past jit_above_cost, where PostgreSQL spent
# 0.7 s compiling a 70 ms query (bench/HISTORY.md, issue 10).
NO_JIT = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} {NO_JIT}".strip()
# Prepared statements for the capture's few hand-written statements (issue 11): sent
# with server-side binding (attendance_project.db.statement_cursor) and prepared on
# their first use on a connection, so PostgreSQL parses and plans them once per
# connection instead of on every capture. Everything else keeps Django's client-side
# binding, which never prepares. A pooler in transaction mode (PgBouncer before 1.21,
# or without max_prepared_statements) hands a connection's prepared statements to
# other clients: set DATABASE_PREPARED_STATEMENTS=false behind one. They live as long
# as the connection: keep connections (CONN_MAX_AGE) for them to pay off.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's threshold: 0 prepares a statement the first time it is sent; None never.
    options["prepare_threshold"] = 0 if DATABASE_PREPARED_STATEMENTS else None

# A kept connection may have died meanwhile (a database restart, a failover, an idle
# timeout): checked before each request reuses it, or that request is a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0

# An optional read replica for reports (DESIGN §5: PostgreSQL is the scale-out path).
# Only code that asks for attendance_project.db.reporting_db() reads there; everything
# else, the capture flow above all, reads the primary so it always sees its own writes.
if env.str("DATABASE_REPLICA_URL", default=""):
    replica = env.db("DATABASE_REPLICA_URL")
    replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    replica["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    if replica["ENGINE"] == "django.db.backends.postgresql":
        # Every transaction on this connection is read-only, so a write sent here by
        # mistake fails loudly even when the URL points at the primary.
        options = replica.setdefault("OPTIONS", {})
        read_only = "-c default_transaction_read_only=on"
        options["options"] = f"{options.get('options', '')} {read_only} {NO_JIT}".strip()
    # Tests use the primary's test database through this alias; no second one.
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = replica
DATABASE_ROUTERS = ["attendance_project.db.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-za"
# The site's local time decides what "today" is for a session (DESIGN rule 1).
TIME_ZONE = env.str("TIME_ZONE", default="Africa/Johannesburg")
USE_I18N = True
# Our date formats ("4 March 2026"), for every English locale.
FORMAT_MODULE_PATH = ["attendance_project.formats"]
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes and whitenoise serves from; each app server needs it.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (learners' portfolios, sessions' signed registers) go through
# Django's storage API: local disk under MEDIA_ROOT here; another backend (S3 through
# django-storages, say) replaces it by changing STORAGES["default"] alone. Several
# app servers need a shared storage.
# MEDIA_URL is never served publicly: portfolios are downloaded through the admin,
# signed registers through the session page or the admin, which check the login and
# the class or permission first.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = env.str("MEDIA_URL", default="media/")
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

# Request bodies larger than this are refused (413) before they are read, except on
# the portfolio and signed-register uploads (attendance_project.middleware's
# UPLOAD_LIMITS). Forms here are small: 1 MB holds any of them many times over.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=1024 * 1024)

# Facilitators may correct a captured session for this many days after capture;
# office admins at any time.
ATTENDANCE_EDIT_WINDOW_DAYS = env.int("ATTENDANCE_EDIT_WINDOW_DAYS", default=7)

# The accounting export (issue 14, billing/export.py; docs/decisions.md): Xero's account
# codes for client billing (sales) and facilitator pay, the tax rate's name as the
# organisation has it, and the days from a month's last day to its due date.
BILLING_SALES_ACCOUNT = env.str("BILLING_SALES_ACCOUNT", default="200")
BILLING_PAY_ACCOUNT = env.str("BILLING_PAY_ACCOUNT", default="310")
BILLING_TAX_TYPE = env.str("BILLING_TAX_TYPE", default="No VAT")
BILLING_DUE_DAYS = env.int("BILLING_DUE_DAYS", default=30)

# E-mail (issue 15): EMAIL_URL as django-environ reads it, e.g.
# smtp+tls://user:password@smtp.example.org:587 ; the console by default, which prints
# each e-mail where the worker runs (`make run`).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Attendance <attendance@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The address of the site as people open it: links in e-mails point there.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The alerts' thresholds (issue 15, alerts/rules.py). A session not recorded by
# ALERTS_EVENING (local time) of its day reminds its facilitators; again after
# ALERTS_CAPTURE_AGAIN_DAYS; the office after ALERTS_CAPTURE_ESCALATE_DAYS. Sessions
# older than ALERTS_LOOKBACK_DAYS are left to the reports (no flood of old news when
# alerts are first switched on). A captured session's signed register is asked for
# ALERTS_REGISTER_MISSING_DAYS after the session.
# The worker runs the checks every ALERTS_CHECK_MINUTES (a divisor of 60; `make run`
# uses 1, so that what a capture changes shows within the minute).
ALERTS_CHECK_MINUTES = env.int("ALERTS_CHECK_MINUTES", default=15)
if ALERTS_CHECK_MINUTES < 1 or 60 % ALERTS_CHECK_MINUTES:
    raise ImproperlyConfigured("ALERTS_CHECK_MINUTES must divide 60 (1, 2, 3, 5, 10, 15, 30, 60).")
ALERTS_EVENING = env.str("ALERTS_EVENING", default="18:00")
ALERTS_CAPTURE_AGAIN_DAYS = env.int("ALERTS_CAPTURE_AGAIN_DAYS", default=2)
ALERTS_CAPTURE_ESCALATE_DAYS = env.int("ALERTS_CAPTURE_ESCALATE_DAYS", default=5)
ALERTS_LOOKBACK_DAYS = env.int("ALERTS_LOOKBACK_DAYS", default=14)
ALERTS_REGISTER_MISSING_DAYS = env.int("ALERTS_REGISTER_MISSING_DAYS", default=3)
# Office admins get one e-mail a day of their alerts (at ALERTS_DIGEST_TIME) instead of
# one per alert, unless they choose otherwise on their Notifications page.
ALERTS_OFFICE_DIGEST = env.bool("ALERTS_OFFICE_DIGEST", default=True)
ALERTS_DIGEST_TIME = env.str("ALERTS_DIGEST_TIME", default="07:00")
# A refused send is tried again this many times in all, waiting longer each time.
ALERTS_SEND_ATTEMPTS = env.int("ALERTS_SEND_ATTEMPTS", default=5)
ALERTS_RETRY_SECONDS = env.int("ALERTS_RETRY_SECONDS", default=60)
# A job whose worker sent no heartbeat (every 10 s) for this long is tried again: its
# worker was killed or its machine lost.
ALERTS_STALLED_SECONDS = env.int("ALERTS_STALLED_SECONDS", default=60)

# Learner records and POPIA (issue 16). The SETMIS files' names and provider fields:
# the SETA's four-letter code, the provider's code and its ETQA/ETQE id at that SETA.
SETMIS_SETA_CODE = env.str("SETMIS_SETA_CODE", default="SETA")
SETMIS_PROVIDER_CODE = env.str("SETMIS_PROVIDER_CODE", default="")
SETMIS_PROVIDER_ETQE_ID = env.str("SETMIS_PROVIDER_ETQE_ID", default="")
# Learners with no activity (attendance, hours, enrolment) for this many years are
# anonymised by `manage.py anonymise_learners`.
POPIA_RETENTION_YEARS = env.int("POPIA_RETENTION_YEARS", default=5)
# Shown on the learner form: what is collected, why, and who sees it (POPIA s18).
POPIA_COLLECTION_NOTICE = env.str(
    "POPIA_COLLECTION_NOTICE",
    default=(
        "We collect the learner's identity number, population group, home language, "
        "functional-difficulty ratings and consent status because the SETA and QCTO "
        "require them to register the learner's training and to fund it. Only office "
        "staff with permission see them; every view and export is logged. The learner "
        "may ask for everything we hold about them."
    ),
)

# A form's one-time submission key is accepted this many days after the form was
# shown (a phone may queue a capture offline for days); older ones ask for a reload.
SUBMISSION_KEY_MAX_AGE_DAYS = env.int("SUBMISSION_KEY_MAX_AGE_DAYS", default=30)

# django-axes refuses logins for a username from an address after too many failures;
# it must come first so that a locked-out login never reaches the password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with the session's user read by a prepared statement
    # (issue 11); Django's own after it serves sessions logged in before it was
    # listed, until they expire (attendance_project/prepared_lookups.py).
    "attendance_project.prepared_lookups.ModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's database sessions, the row read by a prepared statement (issue 11).
SESSION_ENGINE = "attendance_project.prepared_lookups"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Username and address together: a guesser is stopped without letting anyone lock a
# facilitator out from elsewhere, nor one busy address (a site's shared connection)
# lock out everyone behind it.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "attendance_project.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "attendance_project.security.client_ip"
# No version banner in the log at every process start.
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "classes:my_classes"
LOGOUT_REDIRECT_URL = "login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-axes logs every login at INFO; failures and lockouts are WARNINGs.
        "axes": {"level": "WARNING"},
        # WeasyPrint (the PDF registers) logs each step of every PDF at INFO, and
        # fontTools each font it subsets.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # procrastinate logs every task registration and job at INFO.
        "procrastinate": {"level": env.str("QUEUE_LOG_LEVEL", default="WARNING")},
    },
}
