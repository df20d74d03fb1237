"""python manage.py import_articles PATH... — import text files and folders of them.

Folders are searched recursively for .txt files. Prints one line per file that was not
simply imported, one line per committed chunk, a progress bar on a terminal, a summary
table at the end, and exits with status 1 when any file was rejected (so scripts notice).

Files are imported in chunks, each in one transaction together with its ImportItem
records: a run killed halfway leaves the chunks it reported committed complete (articles
and records) and nothing of the rest, and running it again imports the rest and reports
the files already in as duplicates.

With --queue, the files are stored on a batch and the command returns at once: workers
(`manage.py worker`) import them, and the batch page shows their progress.

A file that is a near copy of an article of the same outlet is not imported: it is kept on
the batch, and an Admin chooses on the batch page to update that article with it (a new
version of its text) or to import it as a new article.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.importing.pipeline import (
    DUPLICATE,
    IMPORTED,
    REJECTED,
    SIMILAR,
    Importer,
    hold_files,
    record,
    text_files,
    too_big_reason,
)
from articles.models import ImportBatch, ImportItem

CHUNK = 200  # files per transaction


class Command(BaseCommand):
    help = "Import plain-text article files (folders are searched for .txt files)."
    # The system checks import every view, the API and their libraries: a third of a
    # second of start-up, as much as storing a hundred files. `manage.py check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--any-language",
            action="store_true",
            help="Accept files without Arabic text (by default they are rejected).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Store the files and let background workers import them.",
        )
        parser.add_argument(
            "--chunk", type=int, default=CHUNK, help=f"Files per transaction (default {CHUNK})."
        )

    def handle(self, *args, paths: list[Path], **options):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        files = text_files(paths)
        if options["queue"]:
            self._queue(files)
            return
        importer = Importer(arabic_only=not options["any_language"], hold_similar=True)
        batch = ImportBatch.objects.create(via="cli")
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        counts: Counter[str] = Counter()
        near = 0
        for position, path, result in self._import(importer, files, batch, options["chunk"]):
            counts[result.status] += 1
            if result.status == IMPORTED and result.article.near_duplicate_of_id:
                near += 1
                self.stdout.write(
                    f"near-dup   {path}  → #{result.article.pk} "
                    f"(≈ #{result.article.near_duplicate_of_id}, "
                    f"{result.article.near_duplicate_score:.0%})"
                )
            elif result.status == DUPLICATE:
                self.stdout.write(f"duplicate  {path}  = #{result.article.pk}")
            elif result.status == SIMILAR:
                self.stdout.write(
                    f"similar    {path}  ≈ #{result.article.pk} (same outlet): update it or "
                    f"import as new at {batch.get_absolute_url()}"
                )
            elif result.status == REJECTED:
                self.stderr.write(f"rejected   {path}: {result.reason}")
            if show_progress:
                self._progress(position + 1, len(files))
        if show_progress:
            sys.stderr.write("\n")
        self._summary(counts, near, batch)
        if counts[REJECTED]:
            raise CommandError(f"{counts[REJECTED]} file(s) rejected", returncode=1)

    def _queue(self, files: list[Path]) -> None:
        limit = settings.IMPORT_MAX_FILE_BYTES
        batch = ImportBatch.objects.create(via="cli")
        entries = (
            (path.name, None, too_big_reason(limit))
            if path.stat().st_size > limit  # checked before the file is read
            else (path.name, path.read_bytes(), "")
            for path in files
        )
        count = hold_files(batch, entries)
        self.stdout.write(
            f"Batch #{batch.pk}: {count} files queued; workers import them "
            f"(progress: {batch.get_absolute_url()})."
        )

    def _import(self, importer: Importer, files: list[Path], batch: ImportBatch, size: int):
        """`size` files per commit and per bulk insert: a commit waits for the disk, so
        committing per file would cap the rate at the disk's flush rate. The chunk's
        ImportItem rows commit with its articles, so the batch never claims a file the
        database does not have, nor misses one it has."""
        for start in range(0, len(files), size):
            chunk = files[start : start + size]
            with transaction.atomic():
                results = importer.import_many([(path.name, path) for path in chunk])
                ImportItem.objects.bulk_create(
                    record(batch, start + offset, result) for offset, result in enumerate(results)
                )
            yield from zip(range(start, start + len(chunk)), chunk, results, strict=True)
            self.stdout.write(f"committed {start + len(chunk)}/{len(files)} files")
            self.stdout.flush()

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def _summary(self, counts: Counter, near: int, batch: ImportBatch) -> None:
        rows = [
            ("imported", counts[IMPORTED]),
            ("  of which near-duplicates", near),
            ("duplicates", counts[DUPLICATE]),
            ("waiting for a decision", counts[SIMILAR]),
            ("rejected", counts[REJECTED]),
            ("total", sum(counts.values())),
        ]
        self.stdout.write(f"\nBatch #{batch.pk}")
        for label, number in rows:
            self.stdout.write(f"  {label:<28}{number:>7}")
        waiting = f", {counts[SIMILAR]} waiting for a decision" if counts[SIMILAR] else ""
        self.stdout.write(
            f"{counts[IMPORTED]} imported, {counts[DUPLICATE]} duplicates, "
            f"{counts[REJECTED]} rejected{waiting}"
        )
