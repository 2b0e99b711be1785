"""Settings for the test suite: the same as the platform's, with fast hashing and immediate tasks.

``DATABASE_URL`` chooses SQLite (default) or PostgreSQL exactly as in production.
"""

import os
import tempfile

os.environ.setdefault("JIGAI_VAR_DIR", os.path.join(tempfile.gettempdir(), "jigai-test-var"))
os.environ.setdefault("JIGAI_TASK_BACKEND", "immediate")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from jigai.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Accounts without an authenticator sign in with the password, as in the demo; the two-factor
# tests (jigai/accounts/tests/test_two_factor.py) turn the requirement on.
JIGAI_OTP_DEMO_EXEMPT = True
# Off unless a test asks for it (fixture ``audit_checkpoint_file``): test databases come and go,
# a shared checkpoint file would outlive them.
JIGAI_AUDIT_CHECKPOINT_FILE = ""
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise wants it to exist

# The test database is a real file (WAL, like production) rather than SQLite's shared in-memory
# database, whose table locks differ; unique per process so parallel runs don't meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
