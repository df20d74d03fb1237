"""The import pipeline: encodings, duplicates, near-duplicates and every rejection."""

from __future__ import annotations

import codecs
import contextlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.importing.pipeline import (
    DUPLICATE,
    IMPORTED,
    REJECTED,
    UNSURE,
    Importer,
    import_bytes,
)
from articles.models import Article, ImportBatch, ImportItem, Source
from tests.conftest import SAMPLE_FILES, sample_text

pytestmark = pytest.mark.django_db


def _encodings(text: str) -> dict[str, bytes]:
    variants = {
        "utf-16-le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-8-bom-crlf": codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
        "utf-8-cr": text.replace("\n", "\r").encode("utf-8"),
    }
    for name in ("cp1256", "iso8859-6"):
        # Not representable (e.g. “ in ISO-8859-6): nothing to test.
        with contextlib.suppress(UnicodeEncodeError):
            variants[name] = text.encode(name)
    return variants


CASES = [
    (index, name) for index in range(len(SAMPLE_FILES)) for name in _encodings(sample_text(index))
]


@pytest.mark.parametrize(("index", "encoding"), CASES)
def test_a_re_encoded_sample_gives_the_identical_body_then_a_duplicate(index, encoding):
    text = sample_text(index)
    data = _encodings(text)[encoding]
    reference = import_bytes("original.txt", text.encode("utf-8"))
    assert reference.status == IMPORTED
    Article.objects.all().delete()

    first = import_bytes(f"{encoding}.txt", data)
    assert first.status == IMPORTED, first.reason
    assert first.article.body == reference.article.body
    assert first.article.raw_text == text  # NFC, LF
    again = import_bytes("other-name.txt", text.encode("utf-8"))
    assert again.status == DUPLICATE
    assert again.article == first.article
    assert Article.objects.count() == 1


def test_every_representable_encoding_is_covered():
    names = {name for _index, name in CASES}
    assert {"cp1256", "iso8859-6", "utf-16-le-bom", "utf-16-be-bom", "utf-8-bom-crlf"} <= names


def test_the_five_samples_import_with_titles_sources_and_provenance():
    results = [import_bytes(path.name, path.read_bytes()) for path in SAMPLE_FILES]
    assert [r.status for r in results] == [IMPORTED] * 5
    sada = results[0].article
    assert sada.title.startswith("هل نشهد حرباً نووية؟!")
    assert sada.source.name == "صدى البلد"
    assert sada.detected_encoding == "utf-8"
    assert sada.raw_text.startswith("قناة صدى البلد")
    assert {"first": 16, "last": 16, "rule": "stray"} in sada.removed_lines
    # Five stories on one event by five outlets are not near-duplicates of each other.
    assert not Article.objects.filter(near_duplicate_of__isnull=False).exists()


def test_a_nearly_identical_copy_is_imported_and_flagged():
    text = sample_text(0)
    original = import_bytes("a.txt", text.encode()).article
    copy = text.replace("وافقت الحكومة الروسية", "قالت وكالة إن الحكومة الروسية وافقت")
    copy = copy.replace("قناة صدى البلد", "موقع آخر")  # another menu
    result = import_bytes("b.txt", copy.encode())
    assert result.status == IMPORTED
    assert result.article.near_duplicate_of == original
    assert result.article.near_duplicate_score >= 0.5


def test_the_body_changes_only_through_a_new_version():
    article = import_bytes("a.txt", sample_text(1).encode()).article
    article = Article.objects.get(pk=article.pk)
    article.title = "عنوان جديد"
    article.save()
    article.body += " تعديل"
    with pytest.raises(ValueError, match="apply_new_body"):
        article.save()


BAD_INPUTS = {
    "empty": (b"", "فارغ"),
    "whitespace": (b" \n\t\r\n  ", "مسافات"),
    "bom and bidi only": ("\ufeff \u200f\u202e\n".encode("utf-8-sig"), "مسافات"),
    "nul bytes": (b"\xd9\x82\xd8\xa7\xd9\x84 \x00\x01 abc", "NUL"),
    "png renamed": (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
    "undecodable": (bytes(range(0x80, 0x100)) * 8, "ترميز"),
    "no arabic": (b"The president said the deal matters.\n", "عربي"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_rejected_with_its_own_message_and_writes_nothing(case):
    data, words = BAD_INPUTS[case]
    result = import_bytes(f"{case}.txt", data)
    assert result.status == REJECTED
    assert words in result.reason
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0


def test_the_rejection_messages_differ_from_each_other():
    reasons = {import_bytes("x.txt", data).reason for data, _words in BAD_INPUTS.values()}
    assert len(reasons) == len(BAD_INPUTS) - 1  # whitespace and bidi-only say the same


def test_an_oversize_file_is_rejected_naming_the_limit(settings):
    settings.IMPORT_MAX_FILE_BYTES = 2048
    result = import_bytes("big.txt", sample_text(0).encode())
    assert result.status == REJECTED
    assert "2 كيلوبايت" in result.reason
    assert Article.objects.count() == 0


def test_a_file_with_no_arabic_is_accepted_when_not_in_arabic_mode():
    data = b"The president said the deal matters a great deal to both countries today.\n"
    result = Importer(arabic_only=False).import_bytes("en.txt", data)
    assert result.status == IMPORTED


def test_an_unsure_encoding_is_held_when_asked_and_imported_by_the_command_line():
    data = "قال الرئيس إن الاتفاق مهم".encode("cp1256")
    held = Importer(hold_unsure=True).import_bytes("short.txt", data)
    assert held.status == UNSURE
    assert held.preview.startswith("قال الرئيس")
    assert Article.objects.count() == 0
    assert Importer().import_bytes("short.txt", data).status == IMPORTED


def test_bidi_controls_in_file_names_are_dropped_and_paths_ignored():
    result = import_bytes("..\\..\\evil\u202etxt.exe", sample_text(2).encode())
    assert result.article.original_filename == "eviltxt.exe"


def test_one_bad_file_does_not_stop_the_others_in_a_folder(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_bytes(sample_text(1).encode("utf-16"))
    (tmp_path / "bad.txt").write_bytes(b"")
    (tmp_path / "ignored.html").write_text("<b>x</b>")
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(tmp_path), "--no-progress")
    assert error.value.returncode == 1
    assert Article.objects.count() == 1
    out, err = capsys.readouterr()
    assert "rejected" in err and "bad.txt" in err
    assert "1 imported, 0 duplicates, 1 rejected" in out
    batch = ImportBatch.objects.get()
    assert batch.via == "cli"
    assert sorted(batch.items.values_list("status", flat=True)) == ["imported", "rejected"]


def test_re_running_a_folder_import_is_safe(tmp_path):
    for path in SAMPLE_FILES:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    call_command("import_articles", str(tmp_path), "--no-progress")
    call_command("import_articles", str(tmp_path), "--no-progress")
    assert Article.objects.count() == 5
    assert ImportItem.objects.filter(status="duplicate").count() == 5


def test_importing_a_file_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    importer = Importer()
    importer.import_bytes("warm.txt", sample_text(0).encode())  # loads the sketch index
    # incl. creating its Source, and its passages and feature counts (issue 9)
    with django_assert_max_num_queries(10):
        importer.import_bytes("a.txt", sample_text(3).encode())
