"""Browser figures for the reading page, served like production.

    .venv/bin/python bench/browser.py [--tags 300] [--runs 5]

Starts gunicorn (newsdesk/gunicorn.conf.py, DEBUG=0, whitenoise's compressed, hashed static
files after `collectstatic`) on the benchmark database, logs in an editor in headless
Chromium and loads an article with 300 tags in a fresh browser context each run (empty
HTTP cache). Reports the medians of:

- first contentful paint (the `first-contentful-paint` paint entry);
- interactive: when static/js/tagging.js has bound its handlers (its `tagging-ready` mark,
  and `data-ready` on `.reader`), i.e. the tag toolbar is usable;
- bytes transferred (compressed, as sent) of our JS and CSS, split from htmx's, and of
  the HTML document.

HTTPS-only settings (redirect, secure cookies) are switched off: the server is plain
HTTP on localhost.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "bench-password-not-secret"

# What the page reports about itself once tagging.js is ready.
COLLECT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const ready = performance.getEntriesByName("tagging-ready")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    fcp: paint ? paint.startTime : null,
    ready: ready ? ready.startTime : null,
    ttfb: nav.responseStart,
    dom_content_loaded: nav.domContentLoadedEventEnd,
    html: {transfer: nav.transferSize, encoded: nav.encodedBodySize, decoded: nav.decodedBodySize},
    resources: performance.getEntriesByType("resource").map((r) => ({
      name: r.name, transfer: r.transferSize, encoded: r.encodedBodySize,
      decoded: r.decodedBodySize,
    })),
  };
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(port: int) -> dict:
    from bench.import_files import database_url

    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url(),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOG_REQUESTS": "0",
        # Static files of its own: collecting into the project's folder while a test
        # process serves from it (whitenoise) would race.
        "STATIC_ROOT": tempfile.mkdtemp(prefix="newsdesk-bench-static-"),
    }


def start_server(env: dict, port: int) -> subprocess.Popen:
    python = sys.executable
    subprocess.run(
        [python, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    gunicorn = str(Path(python).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "-c", str(ROOT / "newsdesk" / "gunicorn.conf.py"), "newsdesk.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).read()
            return server
        except (URLError, ConnectionError, OSError):
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _kb(n: float) -> float:
    return round(n / 1024, 1)


def classify(resources: list[dict]) -> dict:
    """Bytes as transferred (compressed body) of our JS/CSS vs htmx, and fonts."""
    groups = {"own_js": 0, "own_css": 0, "htmx_js": 0, "fonts": 0, "other": 0}
    decoded = {"own_js": 0, "own_css": 0, "htmx_js": 0}
    files = []
    for r in resources:
        path = r["name"].split("?")[0]
        if "htmx" in path and path.endswith(".js"):
            group = "htmx_js"
        elif path.endswith(".js"):
            group = "own_js"
        elif path.endswith(".css"):
            group = "own_css"
        elif path.endswith((".woff2", ".woff", ".ttf")):
            group = "fonts"
        else:
            group = "other"
        groups[group] += r["encoded"]
        if group in decoded:
            decoded[group] += r["decoded"]
        files.append({"path": path.split("/", 3)[-1], "group": group, "kb": _kb(r["encoded"])})
    result = {f"{name}_kb": _kb(size) for name, size in groups.items()}
    result["own_js_css_kb"] = _kb(groups["own_js"] + groups["own_css"])
    result["own_js_css_uncompressed_kb"] = _kb(decoded["own_js"] + decoded["own_css"])
    result["htmx_uncompressed_kb"] = _kb(decoded["htmx_js"])
    result["files"] = files
    return result


def measure(article, username: str, runs: int, baseline=None, port: int | None = None) -> dict:
    """Median browser figures for `article`'s reading page over `runs` fresh loads; with
    `baseline` (an article without tags), its first paint and interactive times too, from
    the same server and browser, to tell what the tags cost from what the machine does."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop; ORM use is sync
    port = port or free_port()
    env = production_env(port)
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    pages = {"main": article, **({"baseline": baseline} if baseline is not None else {})}
    samples: dict[str, list[dict]] = {label: [] for label in pages}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            context = browser.new_context(locale="ar")
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/articles/")
            state = context.storage_state()
            context.close()
            for _ in range(runs + 1):  # the first round warms the server, not counted
                for label, measured in pages.items():
                    context = browser.new_context(
                        locale="ar", storage_state=state, viewport={"width": 1280, "height": 900}
                    )
                    page = context.new_page()
                    page.goto(f"{base}{measured.get_absolute_url()}", wait_until="load")
                    page.wait_for_function("() => document.querySelector('.reader[data-ready]')")
                    samples[label].append(page.evaluate(COLLECT))
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    samples = {label: taken[1:] for label, taken in samples.items()}
    last = samples["main"][-1]

    def median(key: str, label: str = "main") -> float | None:
        values = [s[key] for s in samples[label] if s[key] is not None]
        return round(statistics.median(values), 1) if values else None

    result = {
        "runs": len(samples["main"]),
        "first_contentful_paint_ms": median("fcp"),
        "interactive_ms": median("ready"),
        "ttfb_ms": median("ttfb"),
        "dom_content_loaded_ms": median("dom_content_loaded"),
        "html_transferred_kb": _kb(last["html"]["transfer"]),
        "html_uncompressed_kb": _kb(last["html"]["decoded"]),
        **classify(last["resources"]),
    }
    if baseline is not None:
        result["no_tags_first_contentful_paint_ms"] = median("fcp", "baseline")
        result["no_tags_interactive_ms"] = median("ready", "baseline")
    return result


def bench_editor():
    from django.contrib.auth import get_user_model

    from articles.roles import EDITORS
    from tests.conftest import make_user

    user = get_user_model().objects.filter(username="bench-browser").first()
    if user is None:
        user = make_user("bench-browser", EDITORS)
    user.set_password(PASSWORD)
    user.save()
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_database("bench_browser"):
        from bench.reading import tagged_article

        editor = bench_editor()
        article = tagged_article(args.tags, editor, title="browser")
        result = measure(article, editor.username, args.runs)
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
