"""Score the clean-up on a folder of scraped pages with a gold file (expected.json)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing.evaluation import evaluate


def _mark(value: bool | None) -> str:
    return "-" if value is None else ("ok" if value else "NO")


class Command(BaseCommand):
    help = "Title, outlet, date, furniture left and story cut per page, against a gold file."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--gold", type=Path, help="gold file (default DIRECTORY/expected.json)")
        parser.add_argument("--verbose", "-V", action="store_true", help="list every error")

    def handle(self, *args, directory: Path, gold=None, verbose=False, **options):
        gold = gold or directory / "expected.json"
        if not gold.is_file():
            raise CommandError(f"No gold file: {gold}")
        pages, t = evaluate(directory, gold)
        self.stdout.write(f"{'page':32} title outlet date furniture cut")
        for p in pages:
            date = "HDR" if p.date_where_none else _mark(p.date)
            self.stdout.write(
                f"{p.name[:32]:32} {_mark(p.title):>5} {_mark(p.outlet):>6} {date:>4} "
                f"{len(p.furniture_left):>9} {len(p.story_cut):>3}"
            )
            if verbose:
                if p.title is False:
                    self.stdout.write(f"    title: {p.got_title[:80]}")
                if p.outlet is False:
                    self.stdout.write(f"    outlet: {p.got_outlet[:80] or '—'}")
                if p.date is False or p.date_where_none:
                    self.stdout.write(f"    date: {p.got_date or '—'}")
                for line in p.furniture_left:
                    self.stdout.write(f"    furniture left: {line[:80]}")
                for line in p.story_cut:
                    self.stdout.write(f"    story cut: {line[:80]}")
        self.stdout.write(
            f"\ntitle right     {t.title_right}/{t.titled} pages that print one\n"
            f"outlet right    {t.outlet_right}/{t.with_outlet} pages that print one\n"
            f"date right      {t.date_right}/{t.dated} pages that print one; "
            f"a date picked on {t.date_where_none} pages that print none\n"
            f"furniture left  on {t.furniture_pages}/{t.pages} pages (glued included)\n"
            f"story cut       on {t.cut_pages}/{t.pages} pages"
        )
