"""python manage.py index_passages — rebuild the passages behind "similar passages".

The importer fills them for every new article and migration 0010_claims for older ones; run this
after restoring articles by other means, or to recount the document frequencies after many
articles were deleted (deleting an article drops its passages but not its counts).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from articles.claims import passage_index


class Command(BaseCommand):
    help = "Recompute the similarity passages and feature counts of every article."

    def handle(self, *args, **options):
        started = time.perf_counter()
        total = passage_index.rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{total} passages indexed in {elapsed:.1f} s.")
