"""Simulated editors and reviewers for locust; bench/load.py starts the servers and runs it.

    locust -f bench/locustfile.py --headless ...   (LOAD_CONFIG names bench/load.py's file)

Each user logs in through the real login form and keeps its cookies as a browser does.
Editors open the article list (sometimes searching or paging), read articles, and create,
edit and delete tags through the htmx endpoints the reading page uses (CSRF header,
`HX-Request`); reviewers open the review queue and the export page and download a CSV.
With several app servers, every user alternates between them request by request, so its
session only works because it lives in the database.

The run's window is timed here: once every user is logged in and a warm-up has passed,
locust's statistics are reset and the window starts; when it ends, locust's own figures
(p50/p95/p99 per endpoint) are written out, then the users stop after their current
task. Written to LOAD_CONFIG's `out` folder: `window.json` (when the window started),
`stats.json` (locust's figures for the window), `ledger.json` (each editor's created and
deleted tag ids, for the count against the database) and `requests.jsonl` (every
request's time and outcome, so a fault run can tell the phases apart).

The client speaks plain HTTP and sends `X-Forwarded-Proto: https`, as the TLS proxy in
front of the production server does; the session and CSRF cookies are marked Secure, so
the client keeps sending them as a browser behind that proxy would.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from itertools import count
from pathlib import Path
from urllib.parse import quote

import gevent
from locust import HttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text(encoding="utf-8"))
OUT = Path(CONFIG["out"])
PORTS: list[int] = CONFIG["ports"]
ARTICLES: dict[int, str] = {int(pk): body for pk, body in CONFIG["articles"].items()}
WORDS = {pk: [(m.start(), m.end()) for m in re.finditer(r"\S+", b)] for pk, b in ARTICLES.items()}
THINK: float = CONFIG["think"]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ARTICLE_LINK = re.compile(r'href="/articles/(\d+)/"')
FOCUS = re.compile(r'data-focus="(\d+)"')
SEARCH_WORDS = ["بوتين", "الرئيس", "قال", "الحرب", "اجتماع", '"وزير الخارجية"']
KINDS = ["claim", "quote", "background"]
UNAVAILABLE_MARK = "الخدمة غير متاحة مؤقتاً"  # the title of templates/503.html
# gunicorn closes a keep-alive connection idle for 2 s; one reused just as it does so
# fails without an answer, a client-side artefact a browser hides by retrying.
IDLE_RECONNECT = 1.5

LEDGERS: dict[str, dict] = {}
LOGGED_IN: list[str] = []
REQUESTS: list[tuple] = []
_numbers = {"editor": count(), "reviewer": count()}


class Newsroom(HttpUser):
    abstract = True
    host = f"http://127.0.0.1:{PORTS[0]}"
    wait_time = between(0.5 * THINK, 1.5 * THINK)
    role = ""

    def on_start(self) -> None:
        self.username = CONFIG["users"][self.role][next(_numbers[self.role])]
        self.turn = random.randrange(len(PORTS))
        self.last_used: dict[int, float] = {}  # port -> when its connection was last used
        self.log_in()
        LOGGED_IN.append(self.username)

    def call(
        self,
        method: str,
        path: str,
        name: str,
        *,
        data: dict | None = None,
        htmx: bool = False,
        expect: tuple[int, ...] = (200,),
    ):
        port = PORTS[self.turn % len(PORTS)]
        self.turn += 1
        origin = f"https://127.0.0.1:{port}"
        headers = {"X-Forwarded-Proto": "https"}
        if method == "POST":
            headers.update(Origin=origin, Referer=origin + path)
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        if time.monotonic() - self.last_used.get(port, 0.0) > IDLE_RECONNECT:
            self.client.close()  # fresh connections rather than ones the server may be closing
        with self.client.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            name=name,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in expect:
                response.success()
            else:
                why = f": {response.error!r}"[:200] if response.error else ""
                response.failure(f"{response.status_code} {method} {path}{why}")
        self.last_used[port] = time.monotonic()
        for cookie in self.client.cookies:  # Secure cookies, sent over the proxy's HTTP
            cookie.secure = False
        return response

    def log_in(self) -> None:
        page = self.call("GET", "/login/", "login page")
        token = CSRF_INPUT.search(page.text or "")
        form = {
            "username": self.username,
            "password": CONFIG["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        self.call("POST", "/login/", "login", data=form, expect=(302,))


class Editor(Newsroom):
    role = "editor"

    def on_start(self) -> None:
        super().on_start()
        self.ledger = LEDGERS.setdefault(
            self.username,
            {"created": [], "deleted": [], "unknown_creates": 0, "unknown_deletes": []},
        )
        self.mine: dict[int, int] = {}  # tag id -> version
        self.current = random.choice(list(ARTICLES))

    @task(4)
    def article_list(self) -> None:
        query = random.choice(["", "", f"?q={quote(random.choice(SEARCH_WORDS))}", "?page=2"])
        page = self.call("GET", "/articles/" + query, "article list")
        found = [int(pk) for pk in ARTICLE_LINK.findall(page.text or "")]
        found = [pk for pk in found if pk in ARTICLES]
        if found:
            self.current = random.choice(found)

    @task(5)
    def read_article(self) -> None:
        self.current = random.choice(list(ARTICLES))
        self.call("GET", f"/articles/{self.current}/", "read article")

    @task(5)
    def create_tag(self) -> None:
        spans = WORDS[self.current]
        first = random.randrange(len(spans) - 6)
        start, end = spans[first][0], spans[first + random.randint(0, 5)][1]
        form = {
            "kind": random.choice(KINDS),
            "start": start,
            "end": end,
            "exact": ARTICLES[self.current][start:end],
        }
        page = self.call(
            "POST", f"/articles/{self.current}/tags/", "create tag", data=form, htmx=True
        )
        focus = FOCUS.search(page.text or "") if page.status_code == 200 else None
        if focus:
            tag_id = int(focus.group(1))
            self.ledger["created"].append(tag_id)
            self.mine[tag_id] = 1
        elif page.status_code == 0:  # no answer: the write may or may not have happened
            self.ledger["unknown_creates"] += 1

    @task(3)
    def edit_tag(self) -> None:
        if not self.mine:
            return self.tag_list()
        tag_id = random.choice(list(self.mine))
        self.call("GET", f"/tags/{tag_id}/edit/", "edit form", htmx=True)
        form = {
            "kind": random.choice(KINDS),
            "speaker": random.choice(["", "وزير الخارجية", "المتحدث الرسمي"]),
            "note": f"ملاحظة {random.randrange(1000)}",
            "version": self.mine[tag_id],
        }
        if self.call("POST", f"/tags/{tag_id}/", "update tag", data=form, htmx=True).ok:
            self.mine[tag_id] += 1
        return None

    @task(3)
    def delete_tag(self) -> None:
        if not self.mine:
            return self.tag_list()
        tag_id = random.choice(list(self.mine))
        form = {"version": self.mine[tag_id]}
        answer = self.call("POST", f"/tags/{tag_id}/delete/", "delete tag", data=form, htmx=True)
        if answer.status_code == 200:
            self.ledger["deleted"].append(tag_id)
            del self.mine[tag_id]
        elif answer.status_code == 0:
            self.ledger["unknown_deletes"].append(tag_id)
        return None

    @task(1)
    def tag_list(self) -> None:
        self.call("GET", "/tags/", "tag list")


class Reviewer(Newsroom):
    role = "reviewer"
    fixed_count = CONFIG["reviewers"]

    @task(4)
    def review_queue(self) -> None:
        self.call("GET", "/review/", "review queue")

    @task(3)
    def export_page(self) -> None:
        self.call("GET", "/export/?kind=claim", "export page")

    @task(3)
    def export_csv(self) -> None:
        self.call("GET", "/export/download/?format=csv&kind=quote", "export csv")


@events.request.add_listener
def record(name, response_time, response, exception, start_time=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    outage = (
        status == 503
        and UNAVAILABLE_MARK in (response.text or "")
        and response.headers.get("Retry-After") is not None
    )
    # A streamed download cut off mid-way: the client knows the file is incomplete.
    cut = exception is not None and "ChunkedEncodingError" in repr(exception)
    failure = "" if exception is None else repr(exception)[:300]
    REQUESTS.append(
        (start_time, name, status, round(response_time, 1), exception is None, outage, cut, failure)
    )


def percentiles(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "errors": entry.num_failures,
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": round(entry.max_response_time or 0, 1),
        "mean_ms": round(entry.avg_response_time, 1),
    }


@events.spawning_complete.add_listener
def time_the_window(user_count: int) -> None:
    runner = RUNNER["runner"]

    def start() -> None:
        runner.stats.reset_all()
        started = time.time()
        (OUT / "window.json").write_text(json.dumps({"started": started}), encoding="utf-8")
        gevent.spawn_later(CONFIG["seconds"], finish, started)

    def finish(started: float) -> None:
        seconds = time.time() - started
        stats = {
            name: percentiles(entry)
            for (name, _method), entry in sorted(runner.stats.entries.items())
            if entry.num_requests
        }
        stats["ALL"] = percentiles(runner.stats.total)
        for row in stats.values():
            row["per_second"] = round(row["requests"] / seconds, 1)
        report = {
            "started": started,
            "seconds": round(seconds, 1),
            "users": user_count,
            "endpoints": stats,
        }
        (OUT / "stats.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        runner.quit()

    def after_the_logins() -> None:
        # Logins hash a password each (slow on purpose): the warm-up starts once all are in.
        while len(LOGGED_IN) < user_count:
            gevent.sleep(0.2)
        gevent.sleep(CONFIG["warmup"])
        start()

    gevent.spawn(after_the_logins)


RUNNER: dict = {}


@events.init.add_listener
def keep_runner(environment, **_kw) -> None:
    RUNNER["runner"] = environment.runner


@events.quitting.add_listener
def write_ledgers(**_kw) -> None:
    (OUT / "ledger.json").write_text(json.dumps(LEDGERS), encoding="utf-8")
    with (OUT / "requests.jsonl").open("w", encoding="utf-8") as out:
        for row in REQUESTS:
            out.write(json.dumps(row) + "\n")
