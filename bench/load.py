"""Load test: the production setup on one machine under simulated editors and a reviewer.

    .venv/bin/python bench/load.py [--users 50] [--reviewers 1] [--seconds 60]
                                   [--servers 2] [--workers 2] [--import-files 1000]
                                   [--kill-worker] [--restart-postgres]

Everything runs on loopback against a PostgreSQL cluster of the bench's own in
bench/.pgdata (pgserver's binaries, never the dev database; or `--database-url`). The
script migrates it, creates the users and articles, and starts what production runs
(docs/deploy.md): `--servers` gunicorn processes with the production settings on ports
from `--port` (default 8104) and `--workers` `manage.py worker` processes, all on that one
database. The users are locust's (bench/locustfile.py: what they do, and how the window
is timed), run headless in a child process. `--import-files` generated files (bench's
generator, bench/import_files.py) are queued with `manage.py import_articles --queue`
`--import-at` seconds into the window, and the workers import them while the users work.

Faults, on request:
- `--kill-worker`: once the import has committed a chunk and files are still pending, the
  worker running an import job is killed with SIGKILL in the middle of its chunk;
- `--restart-postgres`: `--outage-at` seconds into the window PostgreSQL is stopped
  (`pg_ctl stop -m fast`, open connections cut) for `--down` seconds, then started again.
A worker that dies, killed or not, is started again at once, as systemd's
`Restart=always` does in production; the app servers are never touched.

Reported (stdout and bench/results/load-*.txt/.json): locust's p50/p95/p99 per endpoint
and overall with its error count; each editor's tags (created minus deleted) against the
rows in the database, and every tag's history against its row; the import batch checked
in the database (every file with one outcome, one article per imported file, none
pending); with a restart, the answers before, during and after it and how long recovery
took; CPU seconds used in the window by the app servers, the workers, PostgreSQL and
locust itself (it shares the 2 cores with what it measures).

Why locust: it is maintained, runs headless and computes the percentiles itself; it
costs more CPU than bare threads (gevent, requests), so its own CPU is measured and
reported. What it does not give, the bench adds around it: the servers, workers and
faults, the window's request log split by phase, and the checks against the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from django.db import DatabaseError

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PGDATA = ROOT / "bench" / ".pgdata"
BIN = Path(sys.executable).parent
PASSWORD = "bench-" + "load-" * 4
# One key for every server of a run: the session auth hash is signed with it.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60)
sys.path.insert(0, str(ROOT))

RECOVERY_GRACE = 3.0  # seconds after PostgreSQL is back before every request must succeed


# --- The bench database ---------------------------------------------------------------------


class BenchPostgres:
    """A PostgreSQL cluster of the bench's own, driven with pgserver's binaries (no system
    install, no root needed), listening on a Unix socket in its folder."""

    def __init__(self, pgdata: Path = PGDATA):
        self.pgdata = pgdata
        self.socket_dir = ""
        self.system_user = None

    def start(self) -> str:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

        self.pgdata.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(self.pgdata, cleanup_mode=None)
        self.system_user = server.system_user
        from urllib.parse import parse_qs, urlsplit

        self.socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
        import psycopg

        with psycopg.connect(host=self.socket_dir, user="postgres", dbname="postgres") as conn:
            conn.autocommit = True
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname='newsdesk_bench'"
            ).fetchone():
                conn.execute('CREATE DATABASE "newsdesk_bench"')
        return f"postgres://postgres@{quote(self.socket_dir, safe='')}/newsdesk_bench"

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self.system_user, timeout=60)

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-w", "-m", mode, "stop")

    def start_again(self) -> None:
        self._pg_ctl(
            "-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"),
            "start",
        )  # fmt: skip

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None


def production_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        LOG_REQUESTS="0",  # the bench records every request itself
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    return env


def prepare(database_url: str, *, editors: int, reviewers: int, articles: int) -> dict:
    """Migrate, collect static files, create users and articles; returns what the users
    need (usernames, article ids and bodies). Runs Django in this process, then closes
    its connection: the load itself goes through the servers only."""
    os.environ.update(production_env(database_url))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, ImportBatch, Tag, TagEvent
    from articles.roles import EDITORS, REVIEWERS

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    # Each run starts from no tags, so the count at the end is this run's alone.
    TagEvent.objects.all().delete()
    Tag.objects.all().delete()
    # Earlier runs' imports go too, so this run's generated files are new to the database,
    # and their jobs with them, so the workers start on this run's alone.
    Article.objects.exclude(title__startswith="bench ").delete()
    ImportBatch.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
    User = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for all: hashing is slow on purpose
    names = {
        "editor": [f"bench-editor-{n}" for n in range(editors)],
        "reviewer": [f"bench-reviewer-{n}" for n in range(reviewers)],
    }
    for role, group in (("editor", EDITORS), ("reviewer", REVIEWERS)):
        for username in names[role]:
            user, _ = User.objects.get_or_create(username=username)
            user.password = hashed
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=group)])
    samples = [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/data/samples").glob("*.txt"))
    ]
    have = Article.objects.filter(title__startswith="bench ").count()
    for n in range(have, articles):
        body = samples[n % len(samples)] + f"\nنسخة الاختبار رقم {n}."
        Article.objects.create(
            title=f"bench {n} " + body.split("\n")[0][:80], body=body, indexed_at=timezone.now()
        )
    rows = Article.objects.filter(title__startswith="bench ").values_list("id", "body")[:articles]
    connection.close()
    return {"users": names, "articles": dict(rows)}


# --- The app servers --------------------------------------------------------------------------


class AppServer:
    def __init__(self, port: int, workers: int, database_url: str):
        self.port = port
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = open(RESULTS / f"gunicorn-{port}.log", "ab")  # noqa: SIM115
        env = production_env(database_url)
        env["BIND"] = f"127.0.0.1:{port}"
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "newsdesk/gunicorn.conf.py", "newsdesk.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn on {self.port} not ready after {timeout} s")

    def worker_count(self) -> int:
        try:
            import psutil

            return len(psutil.Process(self.process.pid).children())
        except Exception:
            return 0

    def cpu_seconds(self) -> float:
        return _tree_cpu(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def _tree_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of a process and its living children."""
    if not pid:
        return 0.0
    try:
        import psutil  # installed with pgserver
    except ImportError:
        return 0.0

    try:
        root = psutil.Process(pid)
        total = 0.0
        for process in [root, *root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total
    except psutil.NoSuchProcess:
        return 0.0


# --- Measurements -----------------------------------------------------------------------------


# --- The background workers -----------------------------------------------------------------


def _query(sql: str, params: list | None = None) -> list[tuple]:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except DatabaseError:
        connection.close()  # lost with a restart: the next query connects again
        raise


class Workers:
    """`manage.py worker` processes on the bench database; one that dies is started again
    at once, as systemd's `Restart=always` does (docs/deploy.md)."""

    def __init__(self, count: int, database_url: str):
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.env = {**production_env(database_url), "LOG_LEVEL": "WARNING"}
        self.log = open(RESULTS / "workers.log", "ab")  # noqa: SIM115
        self.lock = threading.Lock()
        self.processes: list[subprocess.Popen] = []
        self.ids: list[int | None] = []  # each one's row in procrastinate_workers
        self.killed: set[int] = set()  # pids the bench killed on purpose
        self.restarts: list[dict] = []
        self.started = time.time()
        for slot in range(count):
            self.processes.append(self._spawn(slot))
            self.ids.append(self._registered())
        self.stopping = threading.Event()
        self.supervisor = threading.Thread(target=self._supervise, daemon=True)
        self.supervisor.start()

    def _spawn(self, slot: int) -> subprocess.Popen:
        command = [sys.executable, str(ROOT / "manage.py"), "worker", "--name", f"bench-{slot}"]
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)

    def _registered(self, timeout: float = 30) -> int | None:
        """The id of the worker that registered last, once a new one has."""
        known = {row[0] for row in _query("SELECT id FROM procrastinate_workers")} - set(self.ids)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                rows = _query("SELECT id FROM procrastinate_workers ORDER BY id DESC LIMIT 1")
            except DatabaseError:  # the database is restarting
                rows = []
            if rows and rows[0][0] not in known and rows[0][0] not in self.ids:
                return rows[0][0]
            time.sleep(0.1)
        return None

    def _supervise(self) -> None:
        while not self.stopping.wait(0.2):
            for slot, process in enumerate(self.processes):
                if process.poll() is None:
                    continue
                with self.lock:
                    self.restarts.append(
                        {
                            "at_s": round(time.time() - self.started, 1),
                            "worker": slot,
                            "exit": process.returncode,
                            "killed_by_bench": process.pid in self.killed,
                        }
                    )
                    self.processes[slot] = self._spawn(slot)
                self.ids[slot] = self._registered()

    def importing(self) -> list[int]:
        """Slots of the workers running an import job now."""
        rows = _query(
            "SELECT worker_id FROM procrastinate_jobs WHERE status = 'doing'"
            " AND task_name LIKE '%%import_batch'"
        )
        busy = {row[0] for row in rows}
        return [slot for slot, worker_id in enumerate(self.ids) if worker_id in busy]

    def kill(self, slot: int) -> None:
        with self.lock:
            process = self.processes[slot]
            self.killed.add(process.pid)
            process.send_signal(signal.SIGKILL)

    def cpu_seconds(self) -> float:
        return sum(_tree_cpu(p.pid) for p in self.processes)

    def stop(self) -> None:
        self.stopping.set()
        self.supervisor.join()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()


# --- The import running through the workers --------------------------------------------------


class Import:
    """Generated files queued with `import_articles --queue`, watched in the database."""

    def __init__(self, files: int, database_url: str):
        from bench.import_files import generate

        self.files = files
        self.folder = Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
        generate(self.folder, files)
        self.env = production_env(database_url)
        self.batch_id: int | None = None
        self.marks: dict[str, float] = {}

    def queue(self, window_started: float) -> None:
        self.marks["queued_s"] = round(time.time() - window_started, 2)
        command = [sys.executable, str(ROOT / "manage.py"), "import_articles", "--queue"]
        done = subprocess.run(
            [*command, str(self.folder)], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        batch = re.search(r"#(\d+)", done.stdout)
        if done.returncode or batch is None:  # e.g. the database went away while storing
            self.marks["queue_failed"] = done.stderr.strip().splitlines()[-1:]
            return
        self.batch_id = int(batch.group(1))
        self.marks["stored_s"] = round(time.time() - window_started, 2)

    def statuses(self) -> dict[str, int]:
        if self.batch_id is None:
            return {}
        rows = _query(
            "SELECT status, count(*) FROM articles_importitem WHERE batch_id = %s GROUP BY status",
            [self.batch_id],
        )
        return dict(rows)

    def wait_until_done(self, window_started: float, timeout: float = 300) -> bool:
        """Until no file of the batch is pending (a killed worker's job is retried after a
        minute without heartbeat, docs/deploy.md): True if it got there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and "queue_failed" not in self.marks:
            try:
                if self.batch_id is not None and not self.statuses().get("pending", 0):
                    self.marks.setdefault("done_s", round(time.time() - window_started, 2))
                    return True
            except DatabaseError:  # the database is restarting
                pass
            time.sleep(0.2)
        return False

    def check(self) -> dict:
        """Every file one outcome, one distinct article per imported file, nothing pending."""
        from django.db import connection

        connection.close()
        statuses = self.statuses()
        items, articles, distinct = _query(
            "SELECT count(*), count(article_id), count(DISTINCT article_id)"
            " FROM articles_importitem WHERE batch_id = %s AND status = 'imported'",
            [self.batch_id],
        )[0]
        # An article imported twice would be a second row for the same file.
        (stored,) = _query(
            "SELECT count(*) FROM articles_article WHERE original_filename IN"
            " (SELECT filename FROM articles_importitem WHERE batch_id = %s)",
            [self.batch_id],
        )[0]
        positions = _query(
            "SELECT count(*), count(DISTINCT position) FROM articles_importitem"
            " WHERE batch_id = %s",
            [self.batch_id],
        )[0]
        ok = (
            positions[0] == positions[1] == self.files
            and not statuses.get("pending")
            and not statuses.get("duplicate")  # the generated files are all different
            and items == articles == distinct == stored
        )
        return {
            "files": self.files,
            "batch": self.batch_id,
            "outcomes": statuses,
            "imported_items": items,
            "articles_stored_for_them": stored,
            "distinct_articles": distinct,
            "marks_s": self.marks,
            "ok": ok,
        }


# --- Faults -------------------------------------------------------------------------------------


def kill_a_worker_mid_import(workers: Workers, job: Import, started: float, marks: dict) -> None:
    """Once a chunk is committed and files are still pending, SIGKILL a worker that is
    running an import job (so in the middle of its chunk's transaction)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "queue_failed" not in job.marks:
        if job.batch_id is not None:
            statuses = job.statuses()
            busy = workers.importing()
            if statuses and not statuses.get("pending"):
                break  # all in before a kill could land (a batch of one or two chunks)
            if statuses.get("imported") and statuses.get("pending") and busy:
                marks["files_imported_before"] = statuses["imported"]
                marks["files_pending_before"] = statuses["pending"]
                workers.kill(busy[0])
                marks["killed_worker"] = busy[0]
                marks["killed_at_s"] = round(time.time() - started, 2)
                return
        time.sleep(0.05)
    marks["killed_worker"] = None  # the import ended before a kill could land


def restart_postgres(postgres: BenchPostgres, down: float, started: float, marks: dict) -> None:
    marks["stop"] = time.time() - started
    postgres.stop("fast")
    marks["stopped"] = time.time() - started
    time.sleep(down)
    marks["start"] = time.time() - started
    postgres.start_again()
    marks["back"] = time.time() - started


# --- Checks against the database ---------------------------------------------------------------


def count_tags(ledgers: dict[str, dict]) -> dict:
    """Each editor's live tags (created minus deleted) against the database rows."""
    from django.db import connection

    from articles.models import Tag

    connection.close()
    lost, extra, expected_total, found_total = {}, {}, 0, 0
    for username, ledger in ledgers.items():
        created, deleted = set(ledger["created"]), set(ledger["deleted"])
        expected = created - deleted
        rows = set(Tag.objects.filter(created_by__username=username).values_list("id", flat=True))
        # A delete that got no answer may or may not have happened; nothing else is excused.
        missing = expected - rows - set(ledger["unknown_deletes"])
        surplus = rows - expected
        expected_total += len(expected)
        found_total += len(rows)
        if missing:
            lost[username] = sorted(missing)
        if len(surplus) > ledger["unknown_creates"]:
            extra[username] = sorted(surplus)
    connection.close()
    return {
        "editors": len(ledgers),
        "created": sum(len(led["created"]) for led in ledgers.values()),
        "deleted": sum(len(led["deleted"]) for led in ledgers.values()),
        "expected_live": expected_total,
        "found_in_database": found_total,
        "writes_without_answer": sum(
            led["unknown_creates"] + len(led["unknown_deletes"]) for led in ledgers.values()
        ),
        "lost": lost,
        "duplicated_or_unexpected": extra,
        "ok": not lost and not extra,
    }


def check_integrity() -> dict:
    """Every tag row complete and its history consistent with it."""
    from django.db import connection

    from articles.models import Tag, TagEvent
    from articles.tagging import SNAPSHOT_FIELDS

    connection.close()
    problems = []
    tags = {tag.pk: tag for tag in Tag.objects.select_related("article")}
    for tag in tags.values():
        if (
            tag.article.body[tag.start : tag.end] != tag.exact
            or not tag.kind
            or not tag.created_by_id
        ):
            problems.append(f"tag {tag.pk}: incomplete row")
    last: dict[int, TagEvent] = {}
    for event in TagEvent.objects.order_by("tag_id", "at", "id"):
        last[event.tag_id] = event
    for tag_id, tag in tags.items():
        event = last.get(tag_id)
        if event is None:
            problems.append(f"tag {tag_id}: no history")
        elif event.action == "deleted":
            problems.append(f"tag {tag_id}: exists but its history ends in a deletion")
        elif any(event.after.get(name) != getattr(tag, name) for name in SNAPSHOT_FIELDS):
            problems.append(f"tag {tag_id}: row differs from its last history snapshot")
    for tag_id, event in last.items():
        if tag_id not in tags and event.action != "deleted":
            problems.append(f"tag {tag_id}: history says it exists, the row is gone")
    connection.close()
    return {
        "tags": len(tags),
        "histories": len(last),
        "problems": problems[:50],
        "ok": not problems,
    }


def write_results(kind: str, report: dict, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{kind}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (RESULTS / f"{kind}-{stamp}.txt").write_text(text + "\n", encoding="utf-8")
    return path


# --- Running it -------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated editors (default 50)")
    parser.add_argument("--reviewers", type=int, default=1, help="simulated reviewers (default 1)")
    parser.add_argument("--seconds", type=float, default=60, help="measured window (default 60)")
    parser.add_argument("--warmup", type=float, default=10, help="after the logins, unrecorded")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests, s")
    parser.add_argument("--servers", type=int, default=2, help="gunicorn processes (default 2)")
    parser.add_argument(
        "--web-workers",
        type=int,
        default=0,
        help="gunicorn workers per server (default: newsdesk/gunicorn.conf.py's, 2 per core)",
    )
    parser.add_argument("--workers", type=int, default=2, help="`manage.py worker` processes")
    parser.add_argument("--import-files", type=int, default=1000, help="0: no import")
    parser.add_argument("--import-at", type=float, default=5, help="s into the window")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL a worker mid-import")
    parser.add_argument("--restart-postgres", action="store_true", help="stop and start it")
    parser.add_argument("--outage-at", type=float, default=40, help="s into the window")
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--port", type=int, default=8104, help="first port (default 8104)")
    parser.add_argument("--articles", type=int, default=100, help="articles the editors tag")
    parser.add_argument("--database-url", default="", help="instead of bench/.pgdata")
    args = parser.parse_args()
    if args.restart_postgres and args.database_url:
        parser.error("--restart-postgres needs the bench's own PostgreSQL (no --database-url)")
    if args.kill_worker and not (args.import_files and args.workers > 1):
        parser.error("--kill-worker needs an import and at least two workers")
    return args


def run_locust(args, ports: list[int], prepared: dict, out: Path) -> subprocess.Popen:
    config = {
        "out": str(out),
        "ports": ports,
        "users": prepared["users"],
        "reviewers": args.reviewers,
        "password": PASSWORD,
        "articles": prepared["articles"],
        "think": args.think,
        "warmup": args.warmup,
        "seconds": args.seconds,
    }
    (out / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    users = args.users + args.reviewers
    spawn_rate = 5  # logins hash a password each (slow on purpose): a few per second
    bound = users / spawn_rate + args.warmup + args.seconds + 120
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{bound:.0f}s",
        "--stop-timeout",
        "30",  # users finish the request they are in, so the ledgers are complete
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_CONFIG": str(out / "config.json")}
    log = open(out / "locust.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for_file(path: Path, process: subprocess.Popen, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"locust stopped before writing {path.name}; see its log")
        time.sleep(0.05)
    time.sleep(0.05)  # written in one call; let it land
    return json.loads(path.read_text(encoding="utf-8"))


def phases(requests: list[list], started: float, marks: dict) -> dict:
    """Answers before, during and after the PostgreSQL restart (by the time they came)."""
    rows = [r for r in requests if r[0] >= started]

    def answered(r) -> float:
        return r[0] - started + r[3] / 1000

    before = [r for r in rows if answered(r) < marks["stop"]]
    during = [r for r in rows if marks["stop"] <= answered(r) < marks["back"]]
    after = [r for r in rows if answered(r) >= marks["back"]]
    bad_during = [r for r in during if not (r[4] or r[5] or r[6])]
    first_ok = min((answered(r) for r in after if r[4]), default=None)
    late_errors = [
        r for r in after if r[0] - started >= marks["back"] + RECOVERY_GRACE and not r[4]
    ]
    return {
        "marks_s": {k: round(v, 2) for k, v in marks.items()},
        "status_before": dict(Counter(r[2] for r in before)),
        "status_during": dict(Counter(r[2] for r in during)),
        "status_after": dict(Counter(r[2] for r in after)),
        "errors_during": sum(not r[4] for r in during),
        "outage_pages_during": sum(r[5] for r in during),
        "downloads_cut_off": sum(r[6] for r in during),
        "other_failures_during": [(r[1], r[2]) for r in bad_during][:20],
        "first_success_after_back_s": (
            round(first_ok - marks["back"], 2) if first_ok is not None else None
        ),
        "errors_after_recovery": [(round(r[0] - started, 1), r[1], r[2]) for r in late_errors][:20],
        "ok": not bad_during and first_ok is not None and not late_errors,
    }


FLOOR = "edit form"  # the cheapest authenticated request of the mix: a small fragment


def with_floor(rows: dict) -> dict:
    """Each endpoint's p50 and p95 also as multiples of the floor's p50, from the same run."""
    floor = rows.get(FLOOR, {}).get("p50_ms") or min(r["p50_ms"] for r in rows.values())
    for row in rows.values():
        row["p50_x_floor"] = round(row["p50_ms"] / floor, 1)
        row["p95_x_floor"] = round(row["p95_ms"] / floor, 1)
    return rows


def table(rows: dict) -> str:
    lines = [
        f"{'endpoint':<16}{'reqs':>7}{'req/s':>7}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}"
        f"{'p50/floor':>10}{'p95/floor':>10}"
    ]
    for name, row in rows.items():
        lines.append(
            f"{name:<16}{row['requests']:>7}{row['per_second']:>7}{row['errors']:>7}"
            f"{row['p50_ms']:>7}{row['p95_ms']:>7}{row['p99_ms']:>7}"
            f"{row['p50_x_floor']:>10}{row['p95_x_floor']:>10}"
        )
    return "\n".join(lines) + f"\n(floor: the {FLOOR}'s p50, measured in the same window)"


def main() -> int:
    args = arguments()
    postgres = None
    if args.database_url:
        url = args.database_url
    else:
        postgres = BenchPostgres()
        url = postgres.start()
    print(f"preparing {args.users} editors, {args.reviewers} reviewer(s)…", flush=True)
    prepared = prepare(url, editors=args.users, reviewers=args.reviewers, articles=args.articles)
    job = Import(args.import_files, url) if args.import_files else None
    servers = [AppServer(args.port + n, args.web_workers, url) for n in range(args.servers)]
    for server in servers:
        server.wait_ready()
    workers = Workers(args.workers, url)
    web_workers = servers[0].worker_count() or args.web_workers
    setup = (
        f"{args.servers} gunicorn server(s) × {web_workers} workers, {args.workers} background"
        f" workers, {args.users} editors + {args.reviewers} reviewer(s), think {args.think:g} s"
    )
    print(setup, flush=True)
    out = Path(tempfile.mkdtemp(prefix="newsdesk-locust-"))
    probes = {f"gunicorn :{s.port}": s.cpu_seconds for s in servers}
    probes["background workers"] = workers.cpu_seconds
    if postgres is not None:
        probes["postgresql"] = lambda: _tree_cpu(postgres.postmaster_pid())
    marks: dict = {}
    kill_marks: dict = {}
    timers: list[threading.Thread] = []
    locust = run_locust(args, [s.port for s in servers], prepared, out)
    try:
        started = wait_for_file(out / "window.json", locust, 600)["started"]
        workers.started = started  # restarts are timed in the window
        probes["locust"] = lambda: _tree_cpu(locust.pid)
        cpu_before = {name: probe() for name, probe in probes.items()}
        print(f"window started; {args.seconds:g} s…", flush=True)
        if job is not None:
            timers.append(threading.Timer(args.import_at, job.queue, [started]))
            if args.kill_worker:
                kill = kill_a_worker_mid_import
                timers.append(
                    threading.Thread(target=kill, args=(workers, job, started, kill_marks))
                )
        if args.restart_postgres:
            timers.append(
                threading.Timer(
                    args.outage_at, restart_postgres, [postgres, args.down, started, marks]
                )
            )
        for timer in timers:
            timer.start()
        stats = wait_for_file(out / "stats.json", locust, args.seconds + 120)
        cpu = {name: round(probe() - cpu_before[name], 1) for name, probe in probes.items()}
        if args.restart_postgres:  # a new postmaster: its CPU before the restart is gone
            cpu.pop("postgresql", None)
        locust.wait(timeout=120)
        for timer in timers:
            timer.join()
        import_done = job.wait_until_done(started) if job is not None else True
    finally:
        if locust.poll() is None:
            locust.kill()
        workers.stop()
        for server in servers:
            server.stop()
    ledgers = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    requests = [json.loads(line) for line in (out / "requests.jsonl").open(encoding="utf-8")]
    counts = count_tags(ledgers)
    integrity = check_integrity()
    imported = job.check() if job is not None else None
    restart = phases(requests, started, marks) if args.restart_postgres else None
    with_floor(stats["endpoints"])
    overall = stats["endpoints"]["ALL"]
    report = {
        "settings": vars(args),
        "gunicorn_workers_per_server": web_workers,
        "window_s": stats["seconds"],
        "endpoints": stats["endpoints"],
        "cpu_seconds": cpu,
        "cpu_share_of_2_cores": {k: f"{v / stats['seconds'] / 2:.0%}" for k, v in cpu.items()},
        "tags": counts,
        "integrity": integrity,
        "import": imported,
        "import_finished": import_done,
        "worker_kill": kill_marks or None,
        "worker_restarts": workers.restarts,
        "postgres_restart": restart,
    }
    checks = {
        "tags: none lost or duplicated": counts["ok"],
        "tag histories consistent": integrity["ok"],
    }
    if imported is not None:
        checks["import: every file once, none pending"] = import_done and imported["ok"]
    if args.kill_worker:
        checks["a worker was killed mid-import"] = kill_marks.get("killed_worker") is not None
    if restart is not None:
        checks["restart: only 503 pages, recovered, no error after"] = restart["ok"]
    else:
        checks["no errors"] = overall["errors"] == 0
    verdict = "PASS" if all(checks.values()) else "FAIL"
    target = "met" if overall["errors"] == 0 and overall["p95_ms"] < 200 else "missed"
    lines = [
        f"Load: {setup}; {stats['seconds']} s window after a {args.warmup:g} s warm-up",
        table(stats["endpoints"]),
        f"p95 < 200 ms with 0 errors: {target}",
        f"CPU seconds in the window: {cpu} (share of 2 cores: {report['cpu_share_of_2_cores']})",
        f"tags: {counts['created']} created, {counts['deleted']} deleted, {counts['expected_live']}"
        f" expected live, {counts['found_in_database']} found in the database; lost:"
        f" {counts['lost'] or 'none'}; duplicated/unexpected:"
        f" {counts['duplicated_or_unexpected'] or 'none'}; writes without an answer:"
        f" {counts['writes_without_answer']}",
        f"integrity: {integrity['tags']} tags, {integrity['histories']} histories, problems:"
        f" {integrity['problems'] or 'none'}",
    ]
    if imported is not None:
        lines.append(
            f"import: {imported['files']} files, outcomes {imported['outcomes']},"
            f" {imported['articles_stored_for_them']} articles stored for"
            f" {imported['imported_items']} imported files ({imported['distinct_articles']}"
            f" distinct); times in the window {imported['marks_s']}"
        )
    if args.kill_worker:
        lines.append(f"worker kill: {kill_marks}")
    lines.append(f"worker restarts: {workers.restarts or 'none'}")
    if restart is not None:
        lines.append(
            f"PostgreSQL restart {restart['marks_s']}: answers before {restart['status_before']},"
            f" during {restart['status_during']}, after {restart['status_after']}; errors"
            f" during: {restart['errors_during']} ({restart['outage_pages_during']} the 503 page,"
            f" {restart['downloads_cut_off']} downloads cut off, other:"
            f" {restart['other_failures_during'] or 'none'}); first success"
            f" {restart['first_success_after_back_s']} s after it was back; errors after:"
            f" {restart['errors_after_recovery'] or 'none'}"
        )
    lines += [f"{'held' if ok else 'NOT HELD'}: {name}" for name, ok in checks.items()]
    lines.append(f"verdict: {verdict}")
    text = "\n".join(lines)
    kind = (
        "load"
        + ("-kill-worker" if args.kill_worker else "")
        + ("-restart-postgres" if args.restart_postgres else "")
    )
    path = write_results(kind, report, text)
    print(text)
    print(f"results: {path} (locust's log: {out / 'locust.log'})")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
