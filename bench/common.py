"""What every benchmark shares: Django on a throwaway database, medians, machine info.

The benchmarks run in-process through Django's test Client (middleware, view, database,
template), so "server time" excludes the network hop and the browser.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
os.environ.setdefault("LOG_REQUESTS", "0")  # one log line per timed request would be noise

SAMPLES = sorted((ROOT / "tests" / "data" / "samples").glob("*.txt"))
BENCH_DATABASE = "newsdesk_bench"


def setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured or not getattr(setup_django, "done", False):
        django.setup()
        setup_django.done = True


@contextmanager
def template_context_recorded():
    """Let the test Client record `response.context` (Django's test instrumentation). Only
    around requests that need it: copying every template's context costs several ms a page,
    which production does not pay, so the timed requests run without it."""
    from django.test import utils

    if hasattr(utils._TestState, "saved_data"):  # already on (inside the test suite)
        yield
        return
    utils.setup_test_environment()
    try:
        yield
    finally:
        utils.teardown_test_environment()


@contextmanager
def bench_database(name: str = BENCH_DATABASE, keep: bool = False):
    """A fresh, migrated database on the project's PostgreSQL server (the dev data is left
    alone), dropped afterwards unless `keep`. Inside a test run, the test database is used."""
    setup_django()
    from django.conf import settings
    from django.db import connection

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if "bench" not in name:  # it is dropped and recreated: never a real database's name
        raise ValueError(f"a benchmark database's name must contain 'bench': {name!r}")
    connection.settings_dict["TEST"]["NAME"] = name
    if not keep:  # quietly, rather than Django's "database already exists" then clobbering
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    try:
        yield
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def sized_arguments(description: str, *, articles: int, tags: int, runs: int = 20):
    """The options of a benchmark that runs on the kept benchmark database at a size."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--articles", type=int, default=articles)
    parser.add_argument("--tags", type=int, default=tags)
    parser.add_argument("--runs", type=int, default=runs)
    return parser


@contextmanager
def grown_bench_database(articles: int, tags: int):
    """The kept benchmark database, grown by bench/data.py to `articles` and `tags`."""
    with bench_database(keep=True):
        from bench import data

        data.grow(articles, tags)
        yield


def timings_ms(fn: Callable[[], object], runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock times of `runs` calls (ms); this process's CPU times appended to `cpu`."""
    times = []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - cpu_started) * 1000)
    return times


def summary(times: list[float], cpu: list[float] | None = None) -> dict:
    """Median, p95 and the fastest of a list of timings (ms). With `cpu`, the median CPU
    time of this process too: on a shared, busy machine the wall time swells with other
    work while the CPU time of the Python side (the database's is not in it) barely does."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    result = {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "runs": len(ordered),
    }
    if cpu:
        result["cpu_median_ms"] = round(statistics.median(cpu), 2)
    return result


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        import django

        info["django"] = django.get_version()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    except Exception:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        info["commit"] = commit or None
    except OSError:
        info["commit"] = None
    return info
