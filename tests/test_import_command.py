from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from articles.importing.pipeline import Importer, text_files
from articles.models import Article, Source
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


def _imported_articles() -> list[tuple]:
    return list(
        Article.objects.order_by("original_filename").values_list(
            "original_filename",
            "title",
            "body",
            "removed_lines",
            "published_on",
            "source__name",
            "detected_encoding",
            "shingle_sketch",
            "near_duplicate_of__original_filename",
        )
    )


@pytest.mark.django_db
def test_chunks_read_by_the_helper_process_import_as_one_chunk_in_process_does(tmp_path, capsys):
    """Several chunks: a helper process reads and cleans the next chunk while one is stored.
    The articles (with the outlet's memory between chunks, duplicates, near-duplicates)
    come out as when each chunk is read in this process in turn."""
    from tests.test_outlet_memory import FIRST, SECOND

    for path in SAMPLE_FILES:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "a_first_of_outlet.txt").write_bytes(FIRST)
    (tmp_path / "b_second_of_outlet.txt").write_bytes(SECOND)  # cleaned with the memory
    (tmp_path / "c_same_again.txt").write_bytes(FIRST)  # a duplicate in another chunk
    (tmp_path / "d_windows.txt").write_bytes(
        SECOND.decode().replace("الزيتون", "الزيت").encode("cp1256")
    )
    (tmp_path / "e_empty.txt").write_bytes(b"")
    (tmp_path / "f_binary.txt").write_bytes(b"%PDF-1.7\n\x00\x01")

    with pytest.raises(CommandError, match="2 file"):  # the empty and the binary file
        call_command("import_articles", str(tmp_path), "--no-progress", "--chunk", "2")
    captured = capsys.readouterr()
    verdicts = [
        line
        for line in captured.out.splitlines() + captured.err.splitlines()
        if line.startswith(("duplicate", "rejected", "near-dup"))
    ]
    with_helper = _imported_articles()
    Article.objects.all().delete()
    Source.objects.all().delete()
    importer = Importer()  # what the command did before the helper: every chunk in turn
    files = text_files([tmp_path])
    for start in range(0, len(files), 2):
        with transaction.atomic():
            importer.import_many([(path.name, path) for path in files[start : start + 2]])
    assert with_helper == _imported_articles()
    articles = with_helper
    assert len(articles) == len(SAMPLE_FILES) + 3
    assert any(line.startswith("duplicate") and "c_same_again.txt" in line for line in verdicts)
    assert sum(line.startswith("rejected") for line in verdicts) == 2
    second = next(a for a in articles if a[0] == "b_second_of_outlet.txt")
    assert "الأكثر تداولاً" not in second[2]  # the first page's widget, remembered


def test_the_helper_process_answers_each_chunk_in_order_and_sends_errors_back(tmp_path):
    import io
    import pickle

    from articles.text import preparing

    good = tmp_path / "good.txt"
    good.write_bytes("خبر قصير عن افتتاح مكتبة جديدة في المدينة.".encode())
    requests = io.BytesIO()
    pickle.dump(preparing.Options(1000, arabic_only=True, hold_unsure=False), requests)
    pickle.dump([("good.txt", good)], requests)
    pickle.dump([("gone.txt", tmp_path / "gone.txt")], requests)
    pickle.dump([("inline.txt", b"")], requests)
    requests.seek(0)
    answers = io.BytesIO()
    preparing.serve(requests, answers)
    answers.seek(0)
    status, prepared = pickle.load(answers)
    assert status == "ok" and prepared[0].cleaned.body.startswith("خبر قصير")
    status, error = pickle.load(answers)
    assert status == "error" and isinstance(error, FileNotFoundError)
    status, prepared = pickle.load(answers)
    assert status == "ok" and prepared[0].refused == preparing.EMPTY
