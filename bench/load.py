"""Load test: the production server (gunicorn, DEBUG=0) under simulated editors and reviewers.

    .venv/bin/python bench/load.py [--users 50] [--reviewers 1] [--seconds 60]
                                   [--servers 1] [--workers 2] [--think 1.0]

Everything runs on loopback against a dedicated bench database: a PostgreSQL cluster of
its own in bench/.pgdata (started with pgserver's binaries, never the dev database), or
`--database-url`. The script migrates it, collects static files, creates the users
(N editors + reviewers) and articles, starts gunicorn (`--workers` each, on ports from
`--port`, default 8104), logs every simulated user in through the real login form, then
runs the users for `--seconds`:

- editors open the article list (sometimes searching), read articles, and create, edit
  and delete tags through the htmx endpoints the reading page uses (CSRF token header,
  session cookie, HX-Request), each keeping its cookies as a browser does;
- reviewers open the review queue and the export page and download the CSV.

With `--servers 2`, two gunicorn processes on two ports share the database and every
user alternates between them request by request, so a session must live in the database
to work at all. At the end each client's tags (created minus deleted) are compared with
the rows in the database by `created_by`: nothing may be lost or duplicated.

Requests/s, p50/p95/p99 latency per endpoint and overall, error count, and the CPU used
by the client, the app servers and PostgreSQL go to stdout and bench/results/.

Why not locust: it would add gevent, Flask and friends to the install, and its per-user
greenlets plus report server cost CPU that this 2-core machine shares with the server
under test. Simulated users here are threads over `http.client` keep-alive connections:
they spend their time waiting on sockets, and the client's own CPU is measured and
reported so a reader can see what it took from the server.

The client speaks plain HTTP and sends `X-Forwarded-Proto: https`, as the TLS proxy in
front of the production server does (docs/deploy.md); the settings are the production ones.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PGDATA = ROOT / "bench" / ".pgdata"
BIN = Path(sys.executable).parent
PASSWORD = "bench-" + "load-" * 4
# One key for every server of a run: the session auth hash is signed with it.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60)
sys.path.insert(0, str(ROOT))

IDLE_RECONNECT = 1.5  # seconds; gunicorn closes a keep-alive connection idle for 2 s
UNAVAILABLE_MARK = "الخدمة غير متاحة مؤقتاً".encode()  # the title of templates/503.html


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

    from articles.models import Article, Tag, TagEvent
    from articles.roles import EDITORS, REVIEWERS

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    # Each run starts from no tags, so the count at the end is this run's alone.
    TagEvent.objects.all().delete()
    Tag.objects.all().delete()
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


@dataclass
class Record:
    at: float  # seconds since the start of the measured window
    name: str
    status: int  # 0: no answer (connection error)
    ms: float
    ok: bool
    outage_page: bool = False  # a 503 with the project's page and Retry-After
    # A streamed download cut off mid-way (chunked body without its end): the client
    # knows the file is incomplete, as a browser reports a failed download.
    interrupted: bool = False


class Stats:
    def __init__(self):
        self.records: list[Record] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.measuring = False
        self.errors: list[str] = []

    def add(self, record: Record, detail: str = "") -> None:
        with self.lock:
            if self.measuring:
                self.records.append(record)
                if not record.ok and len(self.errors) < 50:
                    self.errors.append(f"{record.name} {record.status} {detail}"[:300])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summarise(records: list[Record], seconds: float) -> dict:
    by_name: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_name[record.name].append(record)
    rows = {}
    for name, group in sorted(by_name.items()) + [("ALL", records)]:
        ms = [r.ms for r in group]
        rows[name] = {
            "requests": len(group),
            "per_second": round(len(group) / seconds, 1) if seconds else 0,
            "errors": sum(not r.ok for r in group),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(max(ms), 1) if ms else 0,
            "mean_ms": round(statistics.fmean(ms), 1) if ms else 0,
        }
    return rows


def table(rows: dict) -> str:
    lines = [
        f"{'endpoint':<22}{'reqs':>7}{'req/s':>8}{'errors':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
    ]
    for name, row in rows.items():
        lines.append(
            f"{name:<22}{row['requests']:>7}{row['per_second']:>8}{row['errors']:>7}"
            f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['p99_ms']:>8}{row['max_ms']:>8}"
        )
    return "\n".join(lines)


# --- A simulated user -------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ARTICLE_LINK = re.compile(r'href="/articles/(\d+)/"')
FOCUS = re.compile(r'data-focus="(\d+)"')
SEARCH_WORDS = ["بوتين", "الرئيس", "قال", "الحرب", "اجتماع", '"وزير الخارجية"']


class Browser:
    """One user's cookie jar and connections; alternates servers if given several."""

    def __init__(self, ports: list[int], stats: Stats, name: str):
        self.ports = ports
        self.stats = stats
        self.name = name
        self.cookies: dict[str, str] = {}
        self.connections: dict[int, tuple[http.client.HTTPConnection, float]] = {}
        self.turn = random.randrange(len(ports))

    def _connection(self, port: int) -> http.client.HTTPConnection:
        conn, last = self.connections.get(port, (None, 0.0))
        if conn is None or time.monotonic() - last > IDLE_RECONNECT:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        return conn

    def request(
        self,
        method: str,
        path: str,
        name: str,
        *,
        form: dict | None = None,
        htmx: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, bytes]:
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        origin = f"https://127.0.0.1:{port}"
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(form or {}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if htmx:
            headers["HX-Request"] = "true"
        conn = self._connection(port)
        started = time.monotonic()
        status, data, outage, interrupted = 0, b"", False, False
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value and morsel["expires"]:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            outage = (
                status == 503
                and UNAVAILABLE_MARK in data
                and response.headers.get("Retry-After") is not None
            )
            self.connections[port] = (conn, time.monotonic())
        except (OSError, http.client.HTTPException) as error:
            interrupted = isinstance(error, http.client.IncompleteRead)
            conn.close()
            self.connections.pop(port, None)
            data = repr(error).encode()
        ms = (time.monotonic() - started) * 1000
        ok = status in expect
        self.stats.add(
            Record(started - self.stats.started, name, status, ms, ok, outage, interrupted),
            detail=f"{method} {path}: {data[:160]!r}" if not ok else "",
        )
        return status, data

    def login(self, username: str) -> bool:
        _status, page = self.request("GET", "/login/", "login page")
        token = CSRF_INPUT.search(page.decode("utf-8", "replace"))
        if not token:
            return False
        status, _ = self.request(
            "POST",
            "/login/",
            "login",
            form={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
            expect=(302,),
        )
        return status == 302 and "sessionid" in self.cookies


@dataclass
class Ledger:
    """What one client did to tags: ids it created and deleted, and writes whose outcome
    it could not know (no answer at all)."""

    username: str
    created: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    unknown_creates: int = 0
    unknown_deletes: set[int] = field(default_factory=set)


class Deadline:
    def __init__(self, at: float):
        self.at = at

    def running(self) -> bool:
        return time.monotonic() < self.at


def editor_loop(
    browser: Browser, ledger: Ledger, articles: dict, deadline: Deadline, think: float
) -> None:
    ids = list(articles)
    words = {
        pk: [(m.start(), m.end()) for m in re.finditer(r"\S+", body)]
        for pk, body in articles.items()
    }
    mine: dict[int, int] = {}  # tag id -> version
    current = random.choice(ids)
    while deadline.running():
        roll = random.random()
        if roll < 0.2:
            query = random.choice(["", "", f"?q={quote(random.choice(SEARCH_WORDS))}", "?page=2"])
            status, page = browser.request("GET", "/articles/" + query, "article list")
            found = [int(pk) for pk in ARTICLE_LINK.findall(page.decode("utf-8", "replace"))]
            found = [pk for pk in found if pk in articles]
            if found:
                current = random.choice(found)
        elif roll < 0.45:
            current = random.choice(ids)
            browser.request("GET", f"/articles/{current}/", "read article")
        elif roll < 0.7:
            spans = words[current]
            first = random.randrange(len(spans) - 6)
            start, end = spans[first][0], spans[first + random.randint(0, 5)][1]
            form = {
                "kind": random.choice(["claim", "quote", "background"]),
                "start": start,
                "end": end,
                "exact": articles[current][start:end],
            }
            status, page = browser.request(
                "POST", f"/articles/{current}/tags/", "create tag", form=form, htmx=True
            )
            focus = FOCUS.search(page.decode("utf-8", "replace")) if status == 200 else None
            if focus:
                tag_id = int(focus.group(1))
                ledger.created.add(tag_id)
                mine[tag_id] = 1
            elif status == 0:
                ledger.unknown_creates += 1
        elif roll < 0.85 and mine:
            tag_id = random.choice(list(mine))
            status, _ = browser.request("GET", f"/tags/{tag_id}/edit/", "edit form", htmx=True)
            form = {
                "kind": random.choice(["claim", "quote", "background"]),
                "speaker": random.choice(["", "وزير الخارجية", "المتحدث الرسمي"]),
                "note": f"ملاحظة {random.randrange(1000)}",
                "version": mine[tag_id],
            }
            status, _ = browser.request(
                "POST", f"/tags/{tag_id}/", "update tag", form=form, htmx=True
            )
            if status == 200:
                mine[tag_id] += 1
        elif mine:
            tag_id = random.choice(list(mine))
            status, _ = browser.request(
                "POST",
                f"/tags/{tag_id}/delete/",
                "delete tag",
                form={"version": mine[tag_id]},
                htmx=True,
            )
            if status == 200:
                ledger.deleted.add(tag_id)
                del mine[tag_id]
            elif status == 0:
                ledger.unknown_deletes.add(tag_id)
        else:
            browser.request("GET", "/tags/", "tag list")
        if think:
            time.sleep(random.uniform(0.5 * think, 1.5 * think))


def reviewer_loop(browser: Browser, deadline: Deadline, think: float) -> None:
    while deadline.running():
        roll = random.random()
        if roll < 0.4:
            browser.request("GET", "/review/", "review queue")
        elif roll < 0.7:
            browser.request("GET", "/export/?kind=claim", "export page")
        else:
            browser.request("GET", "/export/download/?format=csv&kind=quote", "export csv")
        if think:
            time.sleep(random.uniform(0.5 * think, 1.5 * think))


# --- Running it -------------------------------------------------------------------------------


def run_load(
    ports: list[int],
    prepared: dict,
    *,
    seconds: float,
    think: float,
    stats: Stats,
    cpu_probes: dict,
    warmup: float = 0,
    on_window=None,
) -> tuple[dict, list[Ledger]]:
    """Log everyone in, then run the users for `seconds`; returns timings and ledgers."""
    browsers, ledgers = [], []
    usernames = [(u, "editor") for u in prepared["users"]["editor"]] + [
        (u, "reviewer") for u in prepared["users"]["reviewer"]
    ]
    # Logins hash a password each (slow by design): before the measured window, 4 at a time.
    stats.measuring = True
    login_started = time.monotonic()
    failed_logins = []
    lock = threading.Semaphore(4)

    def log_in(username: str) -> None:
        with lock:
            browser = Browser(ports, stats, username)
            if not browser.login(username):
                failed_logins.append(username)
            browsers.append((browser, username))

    threads = [threading.Thread(target=log_in, args=(u,)) for u, _ in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    login_seconds = time.monotonic() - login_started
    with stats.lock:
        login_records, stats.records = stats.records, []
    roles = dict(usernames)

    # The users start during the warm-up (workers load templates, caches fill); what
    # they do then is neither recorded nor counted in the CPU figures.
    stats.measuring = False
    deadline = Deadline(time.monotonic() + warmup + seconds)
    workers = []
    for browser, username in browsers:
        if username in failed_logins:
            continue
        if roles[username] == "editor":
            ledger = Ledger(username)
            ledgers.append(ledger)
            target, args = editor_loop, (browser, ledger, prepared["articles"], deadline, think)
        else:
            target, args = reviewer_loop, (browser, deadline, think)
        workers.append(threading.Thread(target=target, args=args, daemon=True))
    for thread in workers:
        thread.start()
    time.sleep(warmup)
    cpu_before = {name: probe() for name, probe in cpu_probes.items()}
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    with stats.lock:
        stats.started = time.monotonic()
        stats.measuring = True
    deadline.at = stats.started + seconds  # the window is exactly `seconds` long
    if on_window is not None:
        on_window()  # e.g. bench/faults.py schedules its outage from here
    for thread in workers:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - stats.started
    stats.measuring = False
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = {name: round(probe() - cpu_before[name], 1) for name, probe in cpu_probes.items()}
    cpu["load client"] = round(
        client_after.ru_utime
        + client_after.ru_stime
        - client_before.ru_utime
        - client_before.ru_stime,
        1,
    )
    return {
        "seconds": round(elapsed, 1),
        "login_seconds": round(login_seconds, 1),
        "logins": len(login_records) // 2,
        "failed_logins": failed_logins,
        "cpu_seconds": cpu,
        "cpu_share_of_2_cores": {k: f"{v / elapsed / 2:.0%}" for k, v in cpu.items()},
    }, ledgers


def count_tags(ledgers: list[Ledger]) -> dict:
    """Each client's live tags (created minus deleted) against the database rows."""
    from django.db import connection

    from articles.models import Tag

    connection.close()
    lost, extra, checked = {}, {}, 0
    for ledger in ledgers:
        expected = ledger.created - ledger.deleted
        rows = set(
            Tag.objects.filter(created_by__username=ledger.username).values_list("id", flat=True)
        )
        # A delete that got no answer may or may not have happened; nothing else is excused.
        missing = expected - rows - ledger.unknown_deletes
        surplus = rows - expected
        checked += len(expected)
        if missing:
            lost[ledger.username] = sorted(missing)
        if surplus:
            extra[ledger.username] = sorted(surplus)
    connection.close()
    return {
        "clients": len(ledgers),
        "tags_expected": checked,
        "created": sum(len(led.created) for led in ledgers),
        "deleted": sum(len(led.deleted) for led in ledgers),
        "writes_without_answer": sum(
            led.unknown_creates + len(led.unknown_deletes) for led in ledgers
        ),
        "lost": lost,
        "unexpected": extra,
        "ok": not lost
        and all(len(extra.get(led.username, [])) <= led.unknown_creates for led in ledgers),
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


def outcome_lines(meta: dict, counts: dict, integrity: dict, errors: list[str]) -> list[str]:
    verdict = "OK" if counts["ok"] else "MISMATCH"
    return [
        f"logins: {meta['logins']} in {meta['login_seconds']} s (before the window), "
        f"failed: {meta['failed_logins']}",
        f"CPU seconds in the window: {meta['cpu_seconds']} "
        f"(share of 2 cores: {meta['cpu_share_of_2_cores']})",
        f"tags per client vs database: {counts['created']} created, {counts['deleted']} "
        f"deleted, {counts['tags_expected']} expected live; lost: {counts['lost'] or 'none'}; "
        f"unexpected: {counts['unexpected'] or 'none'}; "
        f"writes without an answer: {counts['writes_without_answer']} -> {verdict}",
        f"integrity: {integrity['tags']} tags, {integrity['histories']} histories, "
        f"problems: {integrity['problems'] or 'none'}",
        *(f"  error: {e}" for e in errors[:10]),
    ]


def write_results(kind: str, report: dict, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{kind}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (RESULTS / f"{kind}-{stamp}.txt").write_text(text + "\n", encoding="utf-8")
    return path


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=50, help="simulated editors (default 50)")
    parser.add_argument("--reviewers", type=int, default=1, help="simulated reviewers (default 1)")
    parser.add_argument("--seconds", type=float, default=60, help="measured window (default 60)")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn processes, one per port")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers per server (default: newsdesk/gunicorn.conf.py's, 2 per core)",
    )
    parser.add_argument("--port", type=int, default=8104, help="first port (default 8104)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a user's requests, s"
    )
    parser.add_argument("--warmup", type=float, default=5, help="unrecorded start, s (default 5)")
    parser.add_argument("--articles", type=int, default=100, help="articles in the bench database")
    parser.add_argument(
        "--database-url", default="", help="use this database instead of bench/.pgdata"
    )
    return parser


def start_all(args) -> tuple[BenchPostgres | None, str, dict, list[AppServer]]:
    postgres = None
    if args.database_url:
        url = args.database_url
    else:
        postgres = BenchPostgres()
        url = postgres.start()
    print(
        f"bench database ready; preparing {args.users} editors, {args.reviewers} reviewer(s)…",
        flush=True,
    )
    prepared = prepare(url, editors=args.users, reviewers=args.reviewers, articles=args.articles)
    servers = [AppServer(args.port + n, args.workers, url) for n in range(args.servers)]
    for server in servers:
        server.wait_ready()
    time.sleep(1)  # let every worker boot before counting them
    args.workers = servers[0].worker_count() or args.workers
    print(f"{len(servers)} gunicorn server(s) × {args.workers} workers up on "
          f"{', '.join(str(s.port) for s in servers)}", flush=True)  # fmt: skip
    return postgres, url, prepared, servers


def cpu_probes(postgres: BenchPostgres | None, servers: list[AppServer]) -> dict:
    probes = {f"gunicorn :{s.port}": s.cpu_seconds for s in servers}
    if postgres is not None:
        probes["postgresql"] = lambda: _tree_cpu(postgres.postmaster_pid())
    return probes


def main() -> int:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    postgres, url, prepared, servers = start_all(args)
    stats = Stats()
    try:
        print(f"running {args.users + args.reviewers} users for {args.seconds:g} s…", flush=True)
        meta, ledgers = run_load(
            [s.port for s in servers],
            prepared,
            seconds=args.seconds,
            think=args.think,
            stats=stats,
            cpu_probes=cpu_probes(postgres, servers),
            warmup=args.warmup,
        )
    finally:
        for server in servers:
            server.stop()
    rows = summarise(stats.records, meta["seconds"])
    counts = count_tags(ledgers)
    integrity = check_integrity()
    report = {
        "settings": vars(args),
        "run": meta,
        "endpoints": rows,
        "tag_count": counts,
        "integrity": integrity,
        "first_errors": stats.errors[:20],
    }
    overall = rows["ALL"]
    verdict = "PASS" if overall["errors"] == 0 and overall["p95_ms"] < 200 else "MISS"
    text = "\n".join(
        [
            f"Load: {args.users} editors + {args.reviewers} reviewer(s), {meta['seconds']} s, "
            f"{args.servers} server(s) × {args.workers} workers, think {args.think} s, "
            f"after a {args.warmup:g} s warm-up",
            table(rows),
            *outcome_lines(meta, counts, integrity, stats.errors),
            f"target (zero errors, p95 < 200 ms): {verdict}",
        ]
    )
    path = write_results(f"load-{args.servers}srv", report, text)
    print(text)
    print(f"results: {path}")
    return 0 if verdict == "PASS" and counts["ok"] and integrity["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
