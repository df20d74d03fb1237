"""python manage.py restore_database FILE [--into NAME] — restore a backup_database dump."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk import backups


class Command(BaseCommand):
    help = "Restore a dump made by backup_database, replacing the current contents."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--into", help="Another existing database to restore into.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file: Path, into: str | None, yes: bool, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        if not yes and not into:
            answer = input("This replaces everything in the database. Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        backups.restore(file, dbname=into)
        self.stdout.write(f"restored {file}")
