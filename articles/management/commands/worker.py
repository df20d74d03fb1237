"""python manage.py worker — run background jobs (imports, indexing, periodic upkeep).

Run as many as you like, on any machine that reaches the database: jobs are shared out
through PostgreSQL. Ctrl-C or SIGTERM lets the current job finish; a worker killed
outright leaves its job to be resumed by the next worker (docs/deploy.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.jobs import worker


class Command(BaseCommand):
    help = "Run background jobs until stopped (or, with --until-empty, until none is left)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--until-empty", action="store_true", help="Exit once no job is waiting."
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            choices=["imports", "indexing", "upkeep"],
            help="Only these queues (repeatable; default: all).",
        )
        parser.add_argument("--name", default="", help="A name for this worker in logs.")

    def handle(self, *args, until_empty: bool, queues: list[str] | None, name: str, **options):
        worker.run(until_empty=until_empty, queues=queues, name=name)
