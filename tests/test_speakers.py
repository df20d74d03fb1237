"""Speaker pages: grouping by folded key across articles, merges and unmerges, escaping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import SpeakerAlias
from articles.quotes import speakers
from tests.conftest import make_article, make_source, make_tag

BODY = "عنوان\nنص طويل بما يكفي لعدة وسوم اقتباس منسوبة إلى متحدثين مختلفين في هذا المقال."


@pytest.fixture
def quotes(editor):
    """Quotes by spellings that the fold unifies, and a real pair (from sample 003/004)
    that it does not: ليف إريك إيسلي / ليف إيريك إيسلي."""
    source = make_source("الجارديان")
    first = make_article(BODY, title="المقال الأول", source=source)
    second = make_article(BODY + " ثان", title="المقال الثاني")
    spoken = [
        (first, "كيم جونغ أون"),
        (first, "كيم جونج أون"),
        (second, "الزعيم كيم جونغ أون"),
        (first, "ليف إريك إيسلي"),
        (second, "ليف إيريك إيسلي"),
        (second, "أنتوني بلينكن"),
    ]
    for i, (article, speaker) in enumerate(spoken):
        make_tag(article, 6 + i, 12 + i, user=editor, kind="quote", speaker=speaker)
    make_tag(first, 30, 40, user=editor, kind="claim", speaker="كيم جونغ أون")  # not a quote
    return first, second


def _by_name(groups):
    return {group.name: (group.quotes, group.articles) for group in groups.values()}


def test_spellings_the_fold_unifies_are_one_speaker(quotes):
    groups = speakers.speaker_groups()
    kim = groups[speakers.speaker_key("كيم جونج أون")]
    assert (kim.quotes, kim.articles) == (3, 2)
    assert set(kim.spellings) == {"كيم جونغ أون", "كيم جونج أون", "الزعيم كيم جونغ أون"}
    assert speakers.speaker_key("ليف إريك إيسلي") != speakers.speaker_key("ليف إيريك إيسلي")
    assert len(groups) == 4


def test_a_title_with_only_descriptions_keeps_its_title():
    key = speakers.speaker_key
    assert key("الرئيس الروسي") != key("السفير الروسي")
    assert key("الرئيس فلاديمير بوتين") == key("فلاديمير بوتين") == key("فلاديمير بوتين")
    assert key("الدكتور عمرو الديب") == key("عمرو الديب")
    assert key("الرئيس") and key("  ") == ""


def test_merge_groups_two_spellings_and_unmerge_undoes_it(quotes, editor):
    a, b = speakers.speaker_key("ليف إريك إيسلي"), speakers.speaker_key("ليف إيريك إيسلي")
    assert b in [p.key for p in speakers.merge_proposals(a, speakers.speaker_groups())]
    assert speakers.merge(a, b, editor) == b
    groups = speakers.speaker_groups()
    assert a not in groups and (groups[b].quotes, groups[b].articles) == (2, 2)
    assert groups[b].merged == [a]
    with pytest.raises(speakers.MergeRefused):
        speakers.merge(b, a, editor)  # already one speaker
    assert speakers.unmerge(a)
    assert {a, b} <= set(speakers.speaker_groups())


def test_merging_a_merged_target_leaves_no_chains(quotes, editor):
    kim, lief, blinken = (
        speakers.speaker_key(n) for n in ("كيم جونغ أون", "ليف إريك إيسلي", "أنتوني بلينكن")
    )
    speakers.merge(lief, kim, editor)
    speakers.merge(kim, blinken, editor)
    assert dict(SpeakerAlias.objects.values_list("key", "canonical_key")) == {
        lief: blinken,
        kim: blinken,
    }
    assert speakers.speaker_groups()[blinken].quotes == 5


def test_grouping_takes_a_constant_number_of_queries(quotes, editor, django_assert_num_queries):
    speakers.merge(speakers.speaker_key("ليف إريك إيسلي"), "ليف ايريك ايسلي", editor)
    with django_assert_num_queries(2):
        speakers.speaker_groups()


def test_speaker_pages_for_readers(reviewer_client, quotes):
    listing = reviewer_client.get(reverse("speaker_list")).content.decode()
    assert "كيم جونغ أون" in listing and "ليف إيريك إيسلي" in listing
    key = speakers.speaker_key("كيم جونغ أون")
    assert reverse("speaker_detail", kwargs={"key": key}) in listing
    page = reviewer_client.get(reverse("speaker_detail", kwargs={"key": key}))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<tr id="quote-') == 3
    assert "المقال الأول" in html and "الجارديان" in html
    assert reverse("merge_speakers") not in html  # reviewers do not merge
    assert (
        reviewer_client.get(reverse("speaker_detail", kwargs={"key": "لا أحد"})).status_code == 404
    )


def test_editor_merges_from_the_page_and_the_old_key_redirects(editor_client, quotes):
    a, b = speakers.speaker_key("ليف إريك إيسلي"), speakers.speaker_key("ليف إيريك إيسلي")
    page = editor_client.get(reverse("speaker_detail", kwargs={"key": b})).content.decode()
    assert reverse("merge_speakers") in page and f'name="source" value="{a}"' in page
    response = editor_client.post(reverse("merge_speakers"), {"source": a, "target": b})
    assert response.status_code == 302 and response.url == reverse("speaker_detail", args=[b])
    assert editor_client.get(reverse("speaker_detail", args=[a])).url == response.url
    merged = editor_client.get(response.url).content.decode()
    assert merged.count('<tr id="quote-') == 2
    response = editor_client.post(reverse("unmerge_speaker"), {"key": a})
    assert response.status_code == 302
    assert not SpeakerAlias.objects.exists()


def test_merge_only_between_known_speakers(editor_client, quotes):
    kim = speakers.speaker_key("كيم جونغ أون")
    response = editor_client.post(reverse("merge_speakers"), {"source": kim, "target": "مختلق"})
    assert response.status_code == 302 and not SpeakerAlias.objects.exists()


def test_reviewers_cannot_merge(reviewer_client, quotes):
    a, b = speakers.speaker_key("ليف إريك إيسلي"), speakers.speaker_key("ليف إيريك إيسلي")
    response = reviewer_client.post(reverse("merge_speakers"), {"source": a, "target": b})
    assert response.status_code == 403 and not SpeakerAlias.objects.exists()


def test_speaker_names_are_escaped(editor_client, editor):
    article = make_article(BODY)
    evil = '<img src=x onerror="alert(1)">'
    make_tag(article, 6, 12, user=editor, kind="quote", speaker=evil)
    listing = editor_client.get(reverse("speaker_list")).content.decode()
    assert evil not in listing and "&lt;img src=x" in listing
    key = speakers.speaker_key(evil)
    detail = editor_client.get(reverse("speaker_detail", kwargs={"key": key})).content.decode()
    assert evil not in detail and "&lt;img" in detail
