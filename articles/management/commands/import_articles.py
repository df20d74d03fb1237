"""python manage.py import_articles PATH... — import text files and folders of them."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing import DUPLICATE, IMPORTED, REJECTED, import_path, text_files


class Command(BaseCommand):
    help = "Import plain-text article files (folders are searched for .txt files)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, paths: list[Path], **options):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        counts = {IMPORTED: 0, DUPLICATE: 0, REJECTED: 0}
        for path in text_files(paths):
            result = import_path(path)
            counts[result.status] += 1
            if result.status == IMPORTED:
                self.stdout.write(f"imported   {path}  → #{result.article.pk}")
            elif result.status == DUPLICATE:
                self.stdout.write(f"duplicate  {path}  = #{result.article.pk}")
            else:
                self.stderr.write(f"rejected   {path}: {result.reason}")
        self.stdout.write(
            f"{counts[IMPORTED]} imported, {counts[DUPLICATE]} duplicates, "
            f"{counts[REJECTED]} rejected"
        )
        if counts[REJECTED]:
            raise CommandError(f"{counts[REJECTED]} file(s) rejected", returncode=1)
