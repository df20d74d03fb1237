"""Running the jobs: a long-lived worker (`manage.py worker`), or in-process until the
queue is empty (tests, benchmarks, `manage.py worker --until-empty`)."""

from __future__ import annotations

from django.db import connections
from procrastinate.contrib.django import app
from procrastinate.contrib.django.db_cleanup import close_db_connections
from procrastinate.contrib.django.django_connector import DjangoConnector

from articles.jobs import queue

# Sync jobs run one at a time per worker process; run more processes for more.
POLL_SECONDS = 2.0  # LISTEN/NOTIFY wakes a worker at once; polling is the fallback


def run(*, until_empty: bool = False, queues: list[str] | None = None, name: str = "") -> None:
    """Work jobs until stopped (Ctrl-C/SIGTERM finish the current job first), or until
    none is left. First puts back on the queue what a dead worker left unfinished."""
    options = {}
    if until_empty:  # a one-off run leaves no connection behind (a test database can go)
        options["task_middleware"] = [close_db_connections, _close_connections_after]
    queue.defer_resume()
    # The worker needs its own connection (LISTEN, and async); deferring from inside a
    # job still goes through Django's (articles/jobs/queue.py).
    connector = app.connector
    assert isinstance(connector, DjangoConnector)  # the Django integration's own
    with app.replace_connector(connector.get_worker_connector()):
        app.run_worker(
            queues=queues,
            wait=not until_empty,
            name=name or None,
            install_signal_handlers=not until_empty,
            listen_notify=not until_empty,
            fetch_job_polling_interval=POLL_SECONDS,
            delete_jobs="successful",
            **options,
        )


def _close_connections_after(call_next, _context, _worker):
    try:
        return call_next()
    finally:
        connections.close_all()
