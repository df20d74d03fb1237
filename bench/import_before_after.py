"""Benchmark: `manage.py import_articles` of this tree against an older one, same run.

    .venv/bin/python bench/import_before_after.py --before /path/to/older/worktree
        [--rounds 5] [--files 1000] [--repeats 10] [--pages /work/shared/real-pages]

The older worktree (e.g. `git worktree add ../before <commit>` with `.venv` linked) gets a
database of its own on this tree's PostgreSQL server, migrated by its own code; this tree
gets another. Each round runs the two one after the other (the order alternating):

- the command end to end as a child process on the bench's generated files
  (bench/import_files.py): files/s, the command's CPU seconds and its PostgreSQL backend's
  (what the server's postmaster reaps when the backend exits);
- the command's run alone (no Python or Django start-up), in a process of the tree's own,
  into an emptied database: once on the generated files, and `--repeats` times on a folder
  of pages (`--pages`, by default the development set when it is present, skipped when it
  is not: too few files for a start-up to be negligible). A tree that defers the indexing
  of new articles to a job (the older one indexed during the import) is also measured
  with that job run in the same process, so both sides do comparable work.

Every figure is also given as a multiple of the floor's time (the same files' bytes
COPYed into a table, bench/import_files.py), measured in each round. CPU figures are
what to compare on a loaded machine: wall-clock ones move with the other work on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AFTER_DATABASE = "newsdesk_bench_import_after"
BEFORE_DATABASE = "newsdesk_bench_import_before"
DEVELOPMENT_PAGES = Path("/work/shared/real-pages")


def _empty_imports(cursor) -> None:
    """Every table of the articles app (imports, sources, outlet memory) and the job queue,
    whatever the tree's schema holds."""
    cursor.execute(
        "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
        "WHERE schemaname = 'public' AND (tablename LIKE 'articles\\_%' "
        "OR tablename = 'procrastinate_jobs')"
    )
    cursor.execute(f"TRUNCATE {cursor.fetchone()[0]} CASCADE")


def _backend_cpu(pid: int) -> float:
    """CPU seconds of one PostgreSQL process, from /proc (the server runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reaped_cpu(pid: int) -> float:
    """CPU seconds of the postmaster's exited children (backends), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _timed(run, backend: int) -> dict:
    """Wall seconds, this process's and its PostgreSQL backend's CPU seconds of `run()`."""
    pg_before, cpu_before = _backend_cpu(backend), time.process_time()
    started = time.perf_counter()
    run()
    return {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu_before,
        "pg_cpu": _backend_cpu(backend) - pg_before,
    }


def child(tree: Path, folder: Path, repeats: int) -> None:
    """In the tree's own Django: import `folder` `repeats` times into an emptied database,
    printing per run the wall seconds, this process's and its backend's CPU seconds; and
    the same for the indexing job a newer tree defers (an older one indexed during the
    import)."""
    os.chdir(tree)
    sys.path.insert(0, str(tree))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article

    try:
        from articles.jobs.indexing import index_articles
    except ImportError:  # an older tree: no job, the import indexed its articles itself
        index_articles = None
    runs, jobs = [], []
    with open(os.devnull, "w") as quiet:
        for _run in range(repeats):
            with connection.cursor() as cursor:
                _empty_imports(cursor)
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            runs.append(
                _timed(
                    lambda: call_command(
                        "import_articles", str(folder), no_progress=True, stdout=quiet
                    ),
                    backend,
                )
            )
            if index_articles is not None:
                ids = list(Article.objects.values_list("id", flat=True))
                jobs.append(_timed(lambda ids=ids: index_articles(ids), backend))
            with connection.cursor() as cursor:  # the same backend throughout, or no figure
                cursor.execute("SELECT pg_backend_pid()")
                if cursor.fetchone()[0] != backend:
                    runs[-1]["pg_cpu"] = None
    print(json.dumps({"import": runs, "job": jobs}))


def _database_url(name: str) -> str:
    """The URL of another database on the server Django is connected to."""
    from urllib.parse import urlsplit, urlunsplit

    from bench.import_files import database_url

    return urlunsplit(urlsplit(database_url())._replace(path=f"/{name}"))


def _postmaster() -> int | None:
    """The server's postmaster, when it runs here and its data directory is readable."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data_directory = Path(cursor.fetchone()[0])
        return int((data_directory / "postmaster.pid").read_text().split()[0])
    except Exception:  # an external server, or one we may not read: no PostgreSQL CPU
        return None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _command_run(tree: Path, folder: Path, url: str, postmaster: int | None) -> dict:
    """`manage.py import_articles` of `tree` as a child process, into an emptied database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        _empty_imports(cursor)
    env = {**os.environ, "DATABASE_URL": url, "LOG_REQUESTS": "0"}
    reaped, cpu = _reaped_cpu(postmaster) if postmaster else 0.0, _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(tree / "manage.py"), "import_articles", "--no-progress", str(folder)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some files rejected, by design
        raise RuntimeError(f"import failed in {tree}: {done.stderr[-2000:]}")
    pg_cpu = None
    if postmaster:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # until the command's backend has been reaped
            time.sleep(0.05)
            if _reaped_cpu(postmaster) > reaped:
                break
        pg_cpu = _reaped_cpu(postmaster) - reaped
    return {"wall": wall, "cpu": _children_cpu() - cpu, "pg_cpu": pg_cpu}


def _in_process_runs(tree: Path, folder: Path, url: str, repeats: int) -> dict[str, list[dict]]:
    env = {**os.environ, "DATABASE_URL": url, "LOG_REQUESTS": "0"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(tree), str(folder), str(repeats)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"in-process import failed in {tree}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _migrated_database(tree: Path, name: str) -> str:
    """A fresh database for `tree`, migrated by its own code; returns its URL."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = _database_url(name)
    subprocess.run(
        [sys.executable, str(tree / "manage.py"), "migrate", "--verbosity", "0"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=tree,
        check=True,
    )
    return url


def _drop(name: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _floor(folder: Path, times: int) -> float:
    from bench.import_files import floor_copy

    return statistics.median(floor_copy(folder) for _time in range(times))


def _median_run(runs: list[dict]) -> dict:
    """Each figure's median over the runs (a backend's CPU only when every run had it)."""
    pg = [r["pg_cpu"] for r in runs]
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "pg_cpu": statistics.median(pg) if None not in pg else None,
    }


def _summary(label: str, files: int, runs: list[dict], floor: float) -> dict:
    """Medians over the rounds: files/s, CPU seconds per 1,000 files, × the floor's time."""
    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    pg = [r["pg_cpu"] for r in runs if r["pg_cpu"] is not None]
    figures = {
        "files_per_s": round(files / wall),
        "times_the_floor": round(floor / (files / wall), 1),
        "cpu_s_per_1000": round(cpu * 1000 / files, 2),
        "pg_cpu_s_per_1000": round(statistics.median(pg) * 1000 / files, 2) if pg else None,
    }
    print(f"  {label}: {figures}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the older worktree")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=10, help="imports of --pages a round")
    parser.add_argument("--pages", type=Path, default=DEVELOPMENT_PAGES)
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from bench.common import bench_database
    from bench.import_files import generate

    trees = {"before": args.before.resolve(), "after": root}
    pages = sorted(args.pages.glob("*.txt")) if args.pages.is_dir() else []
    if not pages:
        print(f"no pages in {args.pages}: only the generated files are imported")
    with bench_database(AFTER_DATABASE), tempfile.TemporaryDirectory() as tmp:
        postmaster = _postmaster()
        urls = {"after": _database_url(AFTER_DATABASE)}
        urls["before"] = _migrated_database(trees["before"], BEFORE_DATABASE)
        generated, real = Path(tmp) / "generated", Path(tmp) / "pages"
        generated.mkdir()
        real.mkdir()
        generate(generated, args.files)
        for page in pages:  # read at run time, never kept
            (real / page.name).write_bytes(page.read_bytes())
        sides = ("before", "after")
        command: dict[str, list[dict]] = {side: [] for side in sides}
        corpora = {"generated": generated, "pages": real} if pages else {"generated": generated}
        repeats = {"generated": 1, "pages": args.repeats}
        imports = {name: {side: [] for side in sides} for name in corpora}
        with_job = {name: {side: [] for side in sides} for name in corpora}
        floors: dict[str, list[float]] = {name: [] for name in corpora}
        try:
            for round_ in range(args.rounds):
                order = sides if round_ % 2 == 0 else sides[::-1]
                for name, folder in corpora.items():
                    floors[name].append(_floor(folder, 1 if name == "generated" else 5))
                for side in order:
                    command[side].append(
                        _command_run(trees[side], generated, urls[side], postmaster)
                    )
                for name, folder in corpora.items():
                    for side in order:
                        runs = _in_process_runs(trees[side], folder, urls[side], repeats[name])
                        imports[name][side].append(_median_run(runs["import"]))
                        with_job[name][side].append(_plus(imports[name][side][-1], runs["job"]))
                print(f"round {round_ + 1}: done")
        finally:
            _drop(BEFORE_DATABASE)
        report: dict[str, dict] = {}
        floor = statistics.median(floors["generated"])
        print(f"{args.files} generated files; floor {floor:.0f} files/s")
        report["command"] = {
            s: _summary(f"command, {s}", args.files, command[s], floor) for s in sides
        }
        for name in corpora:
            count = args.files if name == "generated" else len(pages)
            floor = statistics.median(floors[name])
            print(
                f"{name} ({count} files), the command's run in-process; floor {floor:.0f} files/s"
            )
            report[name] = {"floor_files_per_s": round(floor)}
            for side in sides:
                report[name][side] = _summary(side, count, imports[name][side], floor)
                if with_job[name][side] != imports[name][side]:  # a tree that defers a job
                    report[name][f"{side}_with_job"] = _summary(
                        f"{side} + its indexing job", count, with_job[name][side], floor
                    )
        print(json.dumps(report))


def _plus(run: dict, jobs: list[dict]) -> dict:
    """An import's figures with its indexing job's added (none for an older tree)."""
    if not jobs:
        return run
    job = _median_run(jobs)
    pg = None if run["pg_cpu"] is None or job["pg_cpu"] is None else run["pg_cpu"] + job["pg_cpu"]
    return {"wall": run["wall"] + job["wall"], "cpu": run["cpu"] + job["cpu"], "pg_cpu": pg}


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
