"""python manage.py backup_database FILE — a full pg_dump (custom format) of the database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from newsdesk import backups


class Command(BaseCommand):
    help = "Dump the whole database (articles, tags, users, history) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        backups.dump(file)
        self.stdout.write(f"dumped to {file} ({file.stat().st_size:,} bytes)")
