"""Settings for the test suite: the project's own, with a fast password hasher.

Hashing a password the production way costs tens of milliseconds on purpose; the suite
creates hundreds of users and logs in through forms, so it would spend much of its time
hashing. Subprocesses the tests start (gunicorn for the bench smoke run, the import
command) inherit DJANGO_SETTINGS_MODULE and so this hasher too.
"""

from newsdesk.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
