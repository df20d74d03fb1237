"""Benchmark: import 1,000 generated article files through `manage.py import_articles`.

    .venv/bin/python bench/import_files.py [--files 1000]

Files are built from the samples' paragraphs (with their menus and trailers around them,
5 % in Windows-1256 and 5 % in UTF-16 so the slow paths are exercised), written to a temp
folder, and imported into a throwaway database `newsdesk_bench` on the project's embedded
PostgreSQL server (dropped afterwards). Reports files per second for a first import and
for a re-run (all duplicates). Target: >= 500 files/s on the 2-core box.
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

from articles.cleaning import clean  # noqa: E402  (pure module, no Django setup needed)
from newsdesk.embedded_postgres import ensure_server  # noqa: E402

SAMPLES = sorted((ROOT / "tests" / "data" / "samples").glob("*.txt"))
DATABASE = "newsdesk_bench"


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()

    pgdata = os.environ.get("NEWSDESK_PGDATA", str(ROOT / ".pgdata"))
    host = ensure_server(pgdata, "postgres")
    import psycopg

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    env = {**os.environ, "DATABASE_URL": f"postgresql://postgres@/{DATABASE}?host={host}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            generate(folder, args.files)
            size = sum(p.stat().st_size for p in folder.iterdir())
            print(f"{args.files} files, {size / 1024 / 1024:.1f} MB, in {folder}")
            for label in ("first import", "re-run (duplicates)"):
                cpu_before = _children_cpu()
                started = time.perf_counter()
                done = subprocess.run(
                    [*manage, "import_articles", str(folder), "--no-progress"],
                    env=env, capture_output=True, text=True,
                )  # fmt: skip
                elapsed = time.perf_counter() - started
                cpu = _children_cpu() - cpu_before
                summary = done.stdout.strip().splitlines()[-1] if done.stdout else done.stderr
                print(
                    f"{label:<22} {elapsed:6.2f} s  {args.files / elapsed:7.0f} files/s"
                    f"  (command CPU {cpu:.2f} s; exit {done.returncode}: {summary})"
                )
    finally:
        with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
