"""Benchmark: import 1,000 generated article files, by the command and by the workers.

    .venv/bin/python bench/import_files.py [--files 1000] [--runs 3] [--workers 2]

Files are built from the samples' paragraphs (with their menus and trailers around them,
5 % in Windows-1256 and 5 % in UTF-16 so the slow paths are exercised), written to a temp
folder, and imported into a throwaway database on the project's PostgreSQL server:

- by `manage.py import_articles` (a child process): median files/s for a first import
  and for a re-run (all duplicates);
- queued (`import_articles --queue`) and imported by background workers already running
  (`manage.py worker`, 1 and `--workers` of them): files/s from the command's start until
  every file is stored and searchable, and separately until the similar-passage index
  and quote suggestions of every article are ready;
- posted to the REST API (`POST /api/v1/articles/import`, `API_FILES_PER_CALL` files a
  call, with a token) through Django's full request stack in this process (no network,
  no server start-up);
- the floor: the same files' bytes written to PostgreSQL with one COPY in one
  transaction (no decoding, cleaning, de-duplication or indexing), measured in the same
  run, so each figure is also given as a multiple of the least an import can cost here.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.cleaning import clean  # noqa: E402  (pure module, no Django setup needed)
from bench.common import SAMPLES, bench_database  # noqa: E402


def generate(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    raws = [path.read_text(encoding="utf-8") for path in SAMPLES]
    paragraphs = [p for raw in raws for p in clean(raw).body.split("\n") if len(p.split()) >= 8]
    headers = [raw.split("\n\n", 1)[0] for raw in raws]
    trailers = [
        "شاركها.\nاترك تعليقاً\n\nExit mobile version",
        "تعليق\n\nإقرأ أيضاً\n\nزر الذهاب إلى الأعلى",
    ]
    for i in range(count):
        chosen = rng.sample(paragraphs, rng.randint(6, 14))
        headline = " ".join(chosen[0].split()[:10])
        text = (
            f"{rng.choice(headers)}\n\n{headline}\n\n"
            + "\n\n".join(chosen)
            + f"\n\n{rng.choice(trailers)}\n"
        )
        roll = rng.random()
        data = None
        if roll < 0.05:
            try:
                data = text.encode("cp1256")
            except UnicodeEncodeError:
                data = None
        elif roll < 0.10:
            data = text.encode("utf-16")
        (folder / f"article_{i:05d}.txt").write_bytes(data or text.encode("utf-8"))


def _children_cpu() -> float:
    """CPU seconds used by finished child processes: unlike wall time, not inflated when
    other work shares the machine (the database server's own time is not included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def database_url() -> str:
    """The URL of the database Django is connected to (the benchmark's), for a child
    process; the embedded server is reached through its Unix socket."""
    from urllib.parse import quote

    from django.db import connection

    params = connection.get_connection_params()
    user = quote(params.get("user") or "postgres")
    password = f":{quote(params['password'])}" if params.get("password") else ""
    host, port = params.get("host") or "", params.get("port")
    name = connection.settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{name}?host={quote(host)}"
    return f"postgresql://{user}{password}@{host}{f':{port}' if port else ''}/{name}"


def _clear_imports() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE articles_article, articles_importbatch, articles_importitem, "
            "articles_featurecount, procrastinate_jobs CASCADE"
        )


def _count(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _wait_for(sql: str, timeout: float = 600) -> None:
    """Poll until `sql` counts 0 (the database is the only witness of the workers)."""
    deadline = time.monotonic() + timeout
    while _count(sql):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for: {sql}")
        time.sleep(0.01)


def floor_copy(folder: Path) -> float:
    """Files/s of the least an import can do: read each file and COPY its bytes into a
    table, one transaction."""
    from django.db import connection, transaction

    paths = sorted(folder.iterdir())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor_files (name text, data bytea)")
    try:
        started = time.perf_counter()
        copy_sql = "COPY bench_floor_files (name, data) FROM STDIN"
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for path in paths:
                copy.write_row((path.name, path.read_bytes()))
        return len(paths) / (time.perf_counter() - started)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_floor_files")


def measure_queued(folder: Path, files: int, workers: int, env: dict) -> dict:
    """Seconds from `import_articles --queue` until every file is stored (and so
    searchable: the search columns are generated on insert), and until indexed, with
    `workers` worker processes started beforehand."""
    _clear_imports()
    manage = [sys.executable, str(ROOT / "manage.py")]
    registered = _count("SELECT count(*) FROM procrastinate_workers")
    procs = [
        subprocess.Popen(
            [*manage, "worker", "--name", f"bench-{i}"],
            env={**env, "LOG_LEVEL": "WARNING"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while _count("SELECT count(*) FROM procrastinate_workers") < registered + workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start")
            time.sleep(0.05)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "import_articles", "--queue", str(folder)],
            env=env,
            check=True,
            capture_output=True,
        )
        _wait_for("SELECT count(*) FROM articles_importitem WHERE status = 'pending'")
        stored = time.perf_counter() - started
        _wait_for(
            "SELECT (SELECT count(*) FROM articles_article WHERE indexed_at IS NULL)"
            " + (SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            " AND task_name LIKE '%index_articles')"
        )
        indexed = time.perf_counter() - started
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=120)
    imported = _count("SELECT count(*) FROM articles_importitem WHERE status = 'imported'")
    return {
        "workers": workers,
        "stored_s": round(stored, 2),
        "files_per_s": round(files / stored),
        "indexed_s": round(indexed, 2),
        "indexed_files_per_s": round(files / indexed),
        "imported": imported,
    }


API_FILES_PER_CALL = 100


def _api_client():
    """A client calling the API as an Admin with a fresh token, as a scraper would."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.api.tokens import create_token

    User = get_user_model()
    user = User.objects.filter(username="bench-api").first() or User.objects.create_user(
        "bench-api", is_superuser=True
    )
    _token, secret = create_token(user=user, name="bench")
    return Client(headers={"Authorization": f"Bearer {secret}"}, HTTP_HOST="localhost")


def api_import_seconds(client, paths: list[Path]) -> float:
    """Wall time to post every file to the import endpoint, a call per chunk. Every file
    must come back imported: a figure made of duplicates would measure the wrong thing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = time.perf_counter()
    counts: dict[str, int] = {}
    for at in range(0, len(paths), API_FILES_PER_CALL):
        chunk = paths[at : at + API_FILES_PER_CALL]
        uploads = [SimpleUploadedFile(path.name, path.read_bytes()) for path in chunk]
        response = client.post("/api/v1/articles/import", {"files": uploads})
        if response.status_code != 200:
            raise RuntimeError(
                f"API import failed: {response.status_code} {response.content[:500]}"
            )
        for status, number in response.json()["counts"].items():
            counts[status] = counts.get(status, 0) + number
    seconds = time.perf_counter() - started
    # A generated page may be a near copy of another from the same outlet: it is stored and
    # held for an Admin's choice (update that article, or import as new), as in real use.
    stored = counts.get("imported", 0) + counts.get("similar", 0)
    if stored != len(paths):
        raise RuntimeError(f"API import did not store every file: {counts}")
    return seconds


def measure(files: int, runs: int, log=print, workers: int = 2) -> dict:
    """Files/s of `manage.py import_articles` for `files` generated files into the current
    (empty) database, `runs` times (emptied in between), and of a re-run (all duplicates).
    Empties the articles again at the end."""
    from statistics import median

    env = {**os.environ, "DATABASE_URL": database_url(), "LOG_REQUESTS": "0"}
    manage = [sys.executable, str(ROOT / "manage.py"), "import_articles", "--no-progress"]
    first, again, cpu = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, files)
        size = sum(p.stat().st_size for p in folder.iterdir())
        for run in range(runs):
            _clear_imports()
            for times in (first, again):
                cpu_before = _children_cpu()
                started = time.perf_counter()
                done = subprocess.run(
                    [*manage, str(folder)], env=env, capture_output=True, text=True
                )
                times.append(time.perf_counter() - started)
                if times is first:
                    cpu.append(_children_cpu() - cpu_before)
                if done.returncode not in (0, 1):  # 1: some files rejected, by design
                    raise RuntimeError(f"import failed: {done.stderr[-2000:]}")
            log(f"  import run {run + 1}: {files / first[-1]:.0f} files/s")
        floors = [floor_copy(folder) for _run in range(runs)]
        queued = {}
        for count in sorted({1, workers}):
            rounds = [measure_queued(folder, files, count, env) for _run in range(runs)]
            queued[str(count)] = sorted(rounds, key=lambda r: r["stored_s"])[len(rounds) // 2]
            log(
                f"  queued, {count} worker(s): {queued[str(count)]['files_per_s']} files/s stored,"
                f" {queued[str(count)]['indexed_files_per_s']} files/s indexed"
            )
        client = _api_client()
        through_api = []
        for run in range(runs):
            _clear_imports()
            # Files no earlier section imported (another seed), into an emptied database.
            with tempfile.TemporaryDirectory() as api_tmp:
                api_folder = Path(api_tmp)
                generate(api_folder, files, seed=1000 + run)
                through_api.append(api_import_seconds(client, sorted(api_folder.iterdir())))
            log(f"  API import run {run + 1}: {files / through_api[-1]:.0f} files/s")
    _clear_imports()
    floor = median(floors)
    for figures in queued.values():
        figures["times_the_floor"] = round(floor / figures["files_per_s"], 1)
    return {
        "floor_copy_files_per_s": round(floor),
        "command_times_the_floor": round(floor / (files / median(first)), 1),
        "queued": queued,
        "files": files,
        "mb": round(size / 1024 / 1024, 1),
        "files_per_s": round(files / median(first)),
        "rerun_duplicates_files_per_s": round(files / median(again)),
        "command_cpu_s": round(median(cpu), 2),
        "api_files_per_s": round(files / median(through_api)),
        "api_files_per_call": API_FILES_PER_CALL,
        "runs": runs,
        "summary": done.stdout.strip().splitlines()[-1] if done.stdout else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with bench_database("bench_import"):
        result = measure(args.files, args.runs, workers=args.workers)
    print(result)


if __name__ == "__main__":
    main()
