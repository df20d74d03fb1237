"""Shared test helpers: plain `make_*` functions and role fixtures, on real PostgreSQL."""

from __future__ import annotations

import io
import os
import re
import threading
import zipfile
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from articles.importing.pipeline import Importer
from articles.jobs import indexing, prepared_exports, worker
from articles.models import Article, PreparedExport, Source, Tag, TagSet
from articles.roles import ADMINS, EDITORS, REVIEWERS, sync_roles

SAMPLES_DIR = Path(__file__).parent / "data" / "samples"
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.txt"))
ARTIFACTS_DIR = Path(__file__).parent / "artifacts"
PASSWORD = "correct-horse-battery-staple"


def make_webhook_endpoint(*, url: str, events: list[str], secret: str = "s", **fields):
    """An endpoint as the webhooks page makes one: its secret stored encrypted."""
    from articles.models import WebhookEndpoint

    endpoint = WebhookEndpoint(url=url, events=events, **fields)
    endpoint.set_secret(secret)
    endpoint.save()
    return endpoint


def make_user(username: str, role: str | None = None, **fields):
    # Transactional tests (live server) flush the groups the data migration made.
    if role and not Group.objects.filter(name=role).exists():
        sync_roles(django_apps)
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=(role == ADMINS), **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_article(body: str = "نص المقال الأول.\nفقرة ثانية فيها كلمات.", **fields) -> Article:
    """An article as readers see it once its background indexing is done (pass
    `indexed_at=None` for one still waiting); its passages are not stored."""
    fields.setdefault("title", body.split("\n")[0][:100] or "عنوان")
    fields.setdefault("indexed_at", timezone.now())
    return Article.objects.create(body=body, **fields)


def import_and_index(paths) -> list[Article]:
    """Import files and do, in this transaction, the indexing a worker would do after."""
    articles = [result.article for result in Importer().import_many([(p.name, p) for p in paths])]
    indexing.index_articles([a.pk for a in articles if a is not None])
    for article in articles:
        if article is not None:
            article.refresh_from_db(fields=["indexed_at"])
    return articles


def run_jobs() -> None:
    """Run the queued jobs for real until none is left, in a thread of its own: the worker
    connects on its own (only committed rows are visible, so the test must be
    transactional), and Playwright's event loop may hold this thread once any browser test
    has run in this process."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            worker.run(until_empty=True)
        except BaseException as error:  # raised again in the test's thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=600)
    # Still working: the test must not go on while jobs change the database under it (nor
    # leave a connection open that keeps the test database from being dropped).
    assert not thread.is_alive(), "the jobs did not finish within ten minutes"
    if failures:
        raise failures[0]


@pytest.fixture
def job_queue(transactional_db):
    """An empty job queue (its tables are not Django's, so a flush leaves them)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


def make_source(name: str = "صدى البلد", **fields) -> Source:
    return Source.objects.create(name=name, **fields)


def make_tag(article: Article, start: int, end: int, *, user, kind: str = "claim", **fields):
    tag = Tag(article=article, kind=kind, start=start, end=end, created_by=user, updated_by=user)
    tag.fill_from_body()
    for name, value in fields.items():
        setattr(tag, name, value)
    tag.full_clean()
    tag.save()
    return tag


def make_prepared_export(tagset: TagSet, fmt: str, **fields) -> PreparedExport:
    """The set's file as a worker prepares it (the job's own code, in this transaction)."""
    export = PreparedExport.objects.create(
        requested_by=tagset.owner,
        tagset=tagset,
        format=fmt,
        name=tagset.name,
        article_url_base="http://testserver/articles/",
        collection_id="http://testserver/export/",
        expires_at=timezone.now() + prepared_exports.retention(),
        **fields,
    )
    prepared_exports.build(export.pk)
    return export


def make_zip(entries: dict[str, bytes]) -> bytes:
    """A deflated .zip archive in memory, one member per entry."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sample_text(index: int = 0) -> str:
    return SAMPLE_FILES[index].read_text(encoding="utf-8")


@pytest.fixture
def editor(db):
    return make_user("editor1", EDITORS)


@pytest.fixture
def reviewer(db):
    return make_user("reviewer1", REVIEWERS)


@pytest.fixture
def admin_user(db):
    return make_user("admin1", ADMINS)


@pytest.fixture
def stranger(db):
    """Logged in, but in no role at all."""
    return make_user("stranger1")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


# --- Browser tests: Playwright driving Debian's Chromium (no browser download). ---

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# The browser logs every 4xx answer to a fetch as a console error. A test that provokes an
# answer the page shows to the user (a conflict, a refused input) lists its status in
# `page.expected_statuses`; any other is a failure.
FAILED_RESOURCE = re.compile(
    r"^Failed to load resource: the server responded with a status of (\d+)"
)


def watch_console(page) -> list[str]:
    """Collect page errors and console errors (CSP violations included) the app causes."""
    errors: list[str] = []
    page.expected_statuses = set()
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def on_console(message) -> None:
        if message.type != "error":
            return
        failed = FAILED_RESOURCE.match(message.text)
        if failed and int(failed.group(1)) in page.expected_statuses:
            return
        errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.js_errors = errors
    return errors


def new_page(browser, **context_options):
    """A page in its own browser context (own cookies), watched for errors."""
    options = {"viewport": {"width": 1280, "height": 900}, "locale": "ar"} | context_options
    page = browser.new_context(**options).new_page()
    watch_console(page)
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    errors = list(page.js_errors)
    page.context.close()
    assert errors == [], "the page logged errors:\n" + "\n".join(errors)


def login(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/articles/")


def screenshot(page, name: str, *, element=None) -> Path:
    """The visible page, or only `element` (a locator) for a smaller picture."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    (element or page).screenshot(path=str(path), **({} if element else {"full_page": False}))
    return path
