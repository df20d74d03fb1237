"""python manage.py setup_demo — load the sample articles and one demo user per role.

Safe to run again: samples already present are reported as duplicates, and the demo
users get their documented passwords back.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

SAMPLES = Path(settings.BASE_DIR) / "tests" / "data" / "samples"
# Documented in the README; for a local demo only.
DEMO_USERS = {"editor": "editor", "reviewer": "reviewer", "admin": "admin"}
DEMO_PASSWORD_SUFFIX = "-newsdesk"


class Command(BaseCommand):
    help = "Import the sample articles and create demo users (editor, reviewer, admin)."

    def handle(self, *args, **options):
        call_command("import_articles", str(SAMPLES), stdout=self.stdout, stderr=self.stderr)
        for username, role in DEMO_USERS.items():
            os.environ["NEWSDESK_PASSWORD"] = username + DEMO_PASSWORD_SUFFIX
            try:
                call_command(
                    "createuser", username, role=role, skip_validation=True, stdout=self.stdout
                )
            finally:
                del os.environ["NEWSDESK_PASSWORD"]
