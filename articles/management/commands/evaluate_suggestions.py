"""Precision, recall and speaker accuracy of the quote suggester on a gold set."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.quotes.evaluation import evaluate, evaluate_pages

DATA = Path(settings.BASE_DIR) / "tests" / "data"
KINDS = {"all": ("quotes", "reported"), "quotes": ("quotes",), "reported": ("reported",)}


class Command(BaseCommand):
    help = (
        "Score the quote suggester against tests/data/gold_quotes.json, or with --gold against "
        "a page gold file (expected.json: quotes and reported speech per page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gold", type=Path, help="a page gold file; its pages lie next to it")
        parser.add_argument(
            "--kind", choices=sorted(KINDS), default="all", help="which gold passages (--gold)"
        )
        parser.add_argument(
            "--raw", action="store_true", help="suggest on the raw file, not the cleaned body"
        )
        parser.add_argument("--verbose", "-V", action="store_true", help="list every error")

    def handle(self, *args, gold=None, kind="all", raw=False, verbose=False, **options):
        if gold is None:
            per_sample, total = evaluate(DATA / "samples", DATA / "gold_quotes.json")
        elif not gold.is_file():
            raise CommandError(f"No gold file: {gold}")
        else:
            per_sample, total = evaluate_pages(gold, clean=not raw, kinds=KINDS[kind])
        header = f"{'sample':28} {'gold':>4} {'sugg':>4} {'hit':>4} {'P':>5} {'R':>5} {'spkr':>5}"
        self.stdout.write(header)
        for s in [*per_sample, total]:
            self.stdout.write(
                f"{s.name[:28]:28} {s.gold:4} {s.suggested:4} {s.found:4} "
                f"{s.precision:5.2f} {s.recall:5.2f} {s.speaker_accuracy:5.2f}"
            )
            if verbose and s is not total:
                for label, rows in (
                    ("missed", s.misses),
                    ("false alarm", s.false_alarms),
                    ("wrong speaker", s.wrong_speakers),
                ):
                    for row in rows:
                        self.stdout.write(f"    {label}: {row}")
