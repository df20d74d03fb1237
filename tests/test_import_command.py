from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from tests.conftest import SAMPLE_FILES, SAMPLES_DIR


@pytest.mark.django_db
def test_importing_the_samples_folder_then_again_reports_duplicates(capsys):
    call_command("import_articles", str(SAMPLES_DIR))
    assert Article.objects.count() == len(SAMPLE_FILES) == 5
    call_command("import_articles", str(SAMPLES_DIR))
    assert Article.objects.count() == 5
    assert "5 duplicates" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_missing_path_is_an_error():
    with pytest.raises(CommandError):
        call_command("import_articles", "/no/such/folder")


@pytest.mark.django_db
def test_setup_demo_loads_samples_and_one_user_per_role():
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    call_command("setup_demo")
    assert Article.objects.count() == 5
    for name in ("editor", "reviewer", "admin"):
        login = RequestFactory().post("/login/")  # the login backends need the request
        assert authenticate(login, username=name, password=f"{name}-newsdesk") is not None
