"""The interface in Arabic or English, per user; the English catalogue is complete."""

from __future__ import annotations

import datetime
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from articles.models import Profile
from tests.conftest import PASSWORD, make_article

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture
def article(db):
    return make_article("عنوان الخبر\nنص الخبر هنا.", published_on=datetime.date(2024, 6, 19))


def test_arabic_is_the_default(editor_client, article):
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "يونيو" in html and "المقالات" in html


def test_a_browser_asking_for_english_gets_english_chrome_around_arabic_text(
    editor_client, article
):
    html = editor_client.get(article.get_absolute_url(), **ENGLISH).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert ">Articles</a>" in html and ">Sign out</button>" in html
    assert "19 June 2024" in html and "يونيو" not in html
    # The article itself stays right-to-left Arabic.
    assert 'id="article-body" lang="ar" dir="rtl"' in html
    assert "نص الخبر هنا." in html


def test_the_profile_language_wins_over_the_browser(client, editor, article):
    Profile.objects.create(user=editor, language="en")
    client.post(reverse("login"), {"username": editor.username, "password": PASSWORD})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="en" dir="ltr">' in html


def test_choosing_a_language_on_the_profile_page_is_remembered(editor_client, editor):
    page = editor_client.get(reverse("edit_profile"), **ENGLISH)
    assert page.status_code == 200
    assert page.context["form"]["language"].value() == "en"  # the browser's, at first
    response = editor_client.post(reverse("edit_profile"), {"language": "ar"})
    assert response.status_code == 302
    assert Profile.objects.get(user=editor).language == "ar"
    assert editor_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    html = editor_client.get(reverse("article_list"), **ENGLISH).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_an_unknown_language_is_refused_and_nothing_is_saved(editor_client, editor):
    response = editor_client.post(reverse("edit_profile"), {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not Profile.objects.filter(user=editor).exists()


def test_the_profile_page_needs_a_login(client, db):
    response = client.get(reverse("edit_profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_english_plurals_come_from_the_catalogue(db):
    with translation.override("en"):
        one = ngettext("%(user)s: راجع وسماً", "%(user)s: راجع %(count)d وسوم", 1)
        many = ngettext("%(user)s: راجع وسماً", "%(user)s: راجع %(count)d وسوم", 3)
    assert one % {"user": "sam"} == "sam: reviewed a tag"
    assert many % {"user": "sam", "count": 3} == "sam: reviewed 3 tags"


def test_arabic_plurals_have_their_six_forms(db):
    with translation.override("ar"):
        tags = [
            ngettext("وسم واحد", "%(counter)s وسماً", n) % {"counter": n} for n in (1, 2, 5, 11, 100)
        ]
    assert tags == ["وسم واحد", "وسمان", "5 وسوم", "11 وسماً", "100 وسم"]


def _entries(po: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, its msgstr forms, fuzzy) for each entry of a catalogue but its header."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        lines = block.splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                parts[key] = match.group(2)
            elif key and line.startswith('"'):
                parts[key] += line[1:-1]
        if parts.get("msgid"):
            forms = [text for name, text in parts.items() if name.startswith("msgstr")]
            entries.append((parts["msgid"], forms, fuzzy))
    return entries


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is installed by make system-deps")
def test_every_interface_string_has_an_english_translation(tmp_path):
    """makemessages over the project (into a copy of the catalogues) finds no string that
    lacks English, and no plural without its six Arabic forms: a new template or Python
    string fails here until `make catalogue` and its translation."""
    # makemessages writes to the locale folder next to the files it scans, so it scans the
    # project through links from a scratch folder holding a copy of the catalogues.
    base = Path(settings.BASE_DIR)
    for folder in ("articles", "newsdesk", "templates"):
        (tmp_path / folder).symlink_to(base / folder)
    copy = tmp_path / "locale"
    shutil.copytree(base / "locale", copy)
    with override_settings(LOCALE_PATHS=[copy]):
        os.chdir(tmp_path)
        try:
            call_command(
                "makemessages", locale=["en", "ar"], symlinks=True, no_obsolete=True, verbosity=0
            )
        finally:
            os.chdir(base)
    english = _entries(copy / "en" / "LC_MESSAGES" / "django.po")
    assert len(english) > 300
    assert [msgid for msgid, forms, fuzzy in english if fuzzy or not all(forms)] == []
    arabic = _entries(copy / "ar" / "LC_MESSAGES" / "django.po")
    plurals = [(msgid, forms) for msgid, forms, _fuzzy in arabic if len(forms) > 1]
    assert len(plurals) >= 7
    assert [msgid for msgid, forms in plurals if len(forms) != 6 or not all(forms)] == []
