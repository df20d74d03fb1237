"""Running it: health check, database outage, request log, backups."""

from __future__ import annotations

import json
import logging

import psycopg
import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from articles.models import Article, Tag
from newsdesk import backups
from tests.conftest import make_article, make_tag


def test_healthz_answers_without_login_and_checks_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_a_lost_database_gives_a_clear_503_page(editor_client, monkeypatch):
    from articles.reading import body_cache

    def lost(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(body_cache, "paragraphs", lost)
    article = make_article()
    response = editor_client.get(reverse("read_article", args=[article.pk]))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert "الخدمة غير متاحة مؤقتاً" in html and "Traceback" not in html


def test_every_request_is_logged_as_one_json_line(editor_client, caplog):
    with caplog.at_level(logging.INFO, logger="newsdesk.requests"):
        editor_client.get(reverse("article_list"))
    line = json.loads(caplog.records[-1].getMessage())
    assert line["path"] == "/articles/" and line["status"] == 200
    assert line["method"] == "GET" and isinstance(line["ms"], float)


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_the_same_articles_and_tags(tmp_path):
    from tests.conftest import make_user

    editor = make_user("dump-editor")
    article = make_article("نص للنسخ الاحتياطي.\nفقرة ثانية.", title="نسخة")
    make_tag(article, 0, 2, user=editor, kind="quote", note="ملاحظة")
    dump_file = tmp_path / "newsdesk.dump"
    backups.dump(dump_file)
    assert dump_file.stat().st_size > 0

    params = connection.get_connection_params()
    admin = {"host": params["host"], "user": params.get("user"), "port": params.get("port")}
    admin = {k: v for k, v in admin.items() if v}
    if params.get("password"):
        admin["password"] = params["password"]
    target = "newsdesk_restore_check"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
        conn.execute(f'CREATE DATABASE "{target}"')
    try:
        backups.restore(dump_file, dbname=target)
        with psycopg.connect(dbname=target, **admin) as conn:
            titles = conn.execute(f"SELECT title FROM {Article._meta.db_table}").fetchall()
            tags = conn.execute(f"SELECT exact, note FROM {Tag._meta.db_table}").fetchall()
        assert titles == [("نسخة",)]
        assert tags == [("نص", "ملاحظة")]
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
