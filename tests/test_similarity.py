"""Claims across outlets: the counterpart of a claim in another sample ranks in the top three."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.text.similarity import Passage, rank_similar, split_sentences, tokens

SAMPLES = {
    p.name[:3]: p.read_text(encoding="utf-8")
    for p in (Path(__file__).parent / "data" / "samples").glob("*.txt")
}


def sentences_of(key):
    body = SAMPLES[key]
    return [Passage((key, s, e), body[s:e]) for s, e in split_sentences(body)]


def top3(claim, key):
    return [m.passage.text for m in rank_similar(claim, sentences_of(key), limit=3)]


@pytest.mark.parametrize(
    ("claim", "other", "counterpart"),
    [
        # "first visit in 24 years" (FT → The Hill, FT → France 24)
        (
            "وهي الأولى له إلى بيونغ يانغ منذ 24 عامًا",
            "002",
            "زيارة بوتين الأولى إلى بيونغ يانغ منذ 24 عامًا",
        ),
        ("وهي الأولى له إلى بيونغ يانغ منذ 24 عامًا", "004", "لأول مرة منذ 24 عاما"),
        # Article 51 of the UN Charter (Sada Elbalad → FT)
        (
            "بما يتماشى مع المادة 51 من ميثاق الأمم المتحدة",
            "001",
            "المادة 51 من ميثاق الأمم المتحدة",
        ),
        # Kirby: a sign of Russian desperation (Sada Elbalad) ↔ Blinken: Moscow desperate (The Hill)
        (
            "إن الإتفاق يمثل علامة على يأس روسيا في الوقت الذي تحتاج فيه إلى مساعدة خارجية",
            "002",
            "في حالة يأس",
        ),
    ],
)
def test_a_claim_finds_its_counterpart_in_another_sample_among_the_top_three(
    claim, other, counterpart
):
    assert any(counterpart in text for text in top3(claim, other))


def test_the_best_match_is_the_counterpart_for_a_distinctive_claim():
    [best, *_] = top3("بما يتماشى مع المادة 51 من ميثاق الأمم المتحدة", "001")
    assert "المادة 51" in best


def test_tokens_fold_spellings_and_strip_light_prefixes():
    assert tokens("الإتفاق") == tokens("الاتفاق") == tokens("والاتفاق") == ["اتفاق"]
    assert tokens("عامًا") == tokens("عاما")
    assert tokens("في من على") == []


def test_sentences_are_code_point_spans_of_the_body():
    body = "الجملة الأولى. وقال بوتين: الثانية؟\nالثالثة"
    spans = split_sentences(body)
    assert [body[s:e] for s, e in spans] == ["الجملة الأولى.", "وقال بوتين: الثانية؟", "الثالثة"]


def test_unrelated_passages_score_nothing():
    assert rank_similar("المادة 51", [Passage(1, "زيارة تاريخية إلى فيتنام")]) == []
