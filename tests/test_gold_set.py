"""The quote suggester on the hand-made gold set: a regression guard on the reported figures."""

from __future__ import annotations

import json
from pathlib import Path

from articles.quotes.evaluation import evaluate

DATA = Path(__file__).parent / "data"

# Figures reported in docs/quote-suggestions.md (84 gold quotes): suggestions must not get worse.
REPORTED = {"suggested_at_most": 82, "found_at_least": 80, "speaker_right_at_least": 73}


def test_every_gold_passage_is_in_its_sample_with_a_speaker_and_a_kind():
    gold = json.loads((DATA / "gold_quotes.json").read_text(encoding="utf-8"))
    assert sorted(gold) == sorted(p.name for p in (DATA / "samples").glob("*.txt"))
    for name, items in gold.items():
        body = (DATA / "samples" / name).read_text(encoding="utf-8")
        for item in items:
            assert item["exact"] in body and "\n" not in item["exact"]
            assert item["speaker"] and item["kind"] in {"direct", "reported"}


def test_precision_recall_and_speakers_stay_at_the_reported_figures():
    _, total = evaluate(DATA / "samples", DATA / "gold_quotes.json")
    assert total.gold == 84
    assert total.found >= REPORTED["found_at_least"]
    assert total.suggested - total.found <= REPORTED["suggested_at_most"] - 80
    assert total.speaker_right >= REPORTED["speaker_right_at_least"]
    assert total.precision >= 0.8 and total.recall >= 0.7 and total.speaker_accuracy >= 0.7
