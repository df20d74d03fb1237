"""python manage.py createuser NAME --role editor|reviewer|admin

The password comes from NEWSDESK_PASSWORD or an interactive prompt, never the command
line (it would land in shell history). Running it again updates the role and password.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.roles import ADMINS, EDITORS, REVIEWERS

ROLES = {"editor": EDITORS, "reviewer": REVIEWERS, "admin": ADMINS}


class Command(BaseCommand):
    help = "Create or update a user with one role (editor, reviewer or admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--skip-validation",
            action="store_true",
            help="Accept a password the validators reject (demo accounts only).",
        )

    def handle(self, *args, username: str, role: str, email: str, **options):
        password = os.environ.get("NEWSDESK_PASSWORD")
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError("Set NEWSDESK_PASSWORD or run in a terminal to be asked.")
            password = getpass.getpass("Password: ")
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        if not options["skip_validation"]:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            user.email = email or user.email
            user.is_staff = role == "admin"  # the Django admin is for Admins only
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=ROLES[role])])
        self.stdout.write(f"{username}: {role}")
