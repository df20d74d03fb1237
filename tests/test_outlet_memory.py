"""Site memory and an Admin's corrections: an outlet's clean-up gets better as it is used.

Pages are written for the test: two stories from one invented outlet, "نبض الشمال".
"""

from __future__ import annotations

from django.urls import reverse

from articles import tagging
from articles.importing.pipeline import Importer
from articles.models import Article, OutletRule, Source
from articles.roles import EDITORS
from tests.conftest import SAMPLE_FILES, make_user

PROMO = (
    "حمّل تطبيقنا الجديد واحصل على آخر الأخبار العاجلة لحظة بلحظة على هاتفك الذكي مجاناً دون انقطاع"
)
WIDGET = "الأكثر تداولاً هذا الأسبوع"


def page(headline: str, story: str, second: str) -> bytes:
    return "\n\n".join([headline, story, second, WIDGET, PROMO, "المصدر: نبض الشمال"]).encode()


FIRST = page(
    "افتتاح جسر جديد فوق النهر",
    "افتتحت البلدية صباح اليوم جسراً جديداً فوق النهر يربط بين الحيين الشرقي والغربي، "
    "ويختصر الطريق على آلاف السكان الذين كانوا يقطعون مسافة طويلة كل يوم.",
    "وقال رئيس البلدية إن الجسر بني خلال عام واحد بتمويل محلي كامل، وإن أعمال الإنارة "
    "ستنتهي قبل نهاية الشهر المقبل على أبعد تقدير.",
)
SECOND = page(
    "موسم الزيتون يبدأ مبكراً",
    "بدأ المزارعون في القرى الجبلية قطف الزيتون قبل موعده المعتاد بأسبوعين، بسبب ارتفاع "
    "درجات الحرارة في الصيف وقلة الأمطار في الربيع الماضي.",
    "وأضاف أحد المزارعين أن المحصول هذا العام أقل من العام الماضي، لكن جودة الزيت أفضل "
    "بكثير بحسب التجار الذين زاروا المعاصر.",
)


def _import(name: str, data: bytes) -> Article:
    result = Importer().import_bytes(name, data)
    assert result.status == "imported", result.reason
    return Article.objects.get(pk=result.article.pk)


def test_the_second_page_of_an_outlet_loses_the_lines_its_first_page_printed(db):
    first = _import("first.txt", FIRST)
    assert first.source.name == "نبض الشمال"
    assert WIDGET in first.body  # one page alone: nothing says the widget is furniture
    second = _import("second.txt", SECOND)
    assert WIDGET not in second.body
    assert "موسم الزيتون يبدأ مبكراً" in second.body
    assert any(r["rule"] == "seen" for r in second.removed_lines)


def test_a_page_imported_again_is_still_a_duplicate(db):
    _import("first.txt", FIRST)
    again = Importer().import_bytes("again.txt", FIRST)
    assert again.status == "duplicate"


def _line_number(article: Article, text: str) -> int:
    return article.raw_text.split("\n").index(text) + 1


def test_an_admin_marks_a_line_as_furniture_for_the_outlet_and_undoes_it(admin_client, db):
    first = _import("first.txt", FIRST)
    second = _import("second.txt", SECOND)
    assert PROMO in first.body and PROMO in second.body  # too long for site memory
    number = _line_number(first, PROMO)
    url = reverse("correct_line", args=[first.pk, number])
    response = admin_client.post(url, {"kind": "furniture"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "أُعيد تنظيف 2" in response.content.decode()
    rule = OutletRule.objects.get()
    assert rule.kind == "furniture" and rule.text == PROMO and rule.added_by.username == "admin1"
    for article in (first, second):
        article.refresh_from_db()
        assert PROMO not in article.body
        assert any(r["rule"] == "learned" for r in article.removed_lines)
    # A later import from the outlet: the rule applies.
    third = _import("third.txt", FIRST.replace("جسر جديد".encode(), "نفق جديد".encode()))
    assert PROMO not in third.body
    # Undo from the raw page: the line is story again in the untagged articles.
    response = admin_client.post(reverse("undo_line", args=[first.pk, number]))
    assert response.status_code == 302
    assert not OutletRule.objects.exists()
    first.refresh_from_db()
    assert PROMO in first.body


def test_a_removed_line_marked_as_story_comes_back(admin_client, db):
    first = _import("first.txt", FIRST)
    second = _import("second.txt", SECOND)
    assert WIDGET not in second.body
    number = _line_number(second, WIDGET)
    admin_client.post(reverse("correct_line", args=[second.pk, number]), {"kind": "story"})
    second.refresh_from_db()
    assert WIDGET in second.body
    assert OutletRule.objects.get().kind == "story"
    assert first.source == second.source


def test_an_article_with_tags_keeps_its_text_and_the_page_says_it_waits(admin_client, db):
    first = _import("first.txt", FIRST)
    editor = make_user("tagger", EDITORS)
    tagging.create_tag(article=first, user=editor, kind="claim", start=0, end=5)
    before = first.body
    number = _line_number(first, PROMO)
    response = admin_client.post(
        reverse("correct_line", args=[first.pk, number]),
        {"kind": "furniture"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert "تنتظر مراجعات المقالات" in text and "ينتظر مراجعات المقالات" in text
    first.refresh_from_db()
    assert first.body == before


def test_the_outlet_page_lists_learned_rules_with_who_added_them(admin_client, db):
    first = _import("first.txt", FIRST)
    number = _line_number(first, PROMO)
    admin_client.post(reverse("correct_line", args=[first.pk, number]), {"kind": "furniture"})
    source = Source.objects.get(name="نبض الشمال")
    page_html = admin_client.get(reverse("outlet_rules", args=[source.pk])).content.decode()
    assert PROMO in page_html and "admin1" in page_html
    rule = OutletRule.objects.get()
    admin_client.post(reverse("delete_outlet_rule", args=[rule.pk]))
    assert not OutletRule.objects.exists()


def test_bad_corrections_are_refused_and_change_nothing(admin_client, db):
    first = _import("first.txt", FIRST)
    url = reverse("correct_line", args=[first.pk, 1])
    assert admin_client.post(url, {"kind": "nonsense"}).status_code == 400
    blank = first.raw_text.split("\n").index("") + 1
    assert (
        admin_client.post(
            reverse("correct_line", args=[first.pk, blank]), {"kind": "story"}
        ).status_code
        == 400
    )
    assert (
        admin_client.post(
            reverse("correct_line", args=[first.pk, 999]), {"kind": "story"}
        ).status_code
        == 404
    )
    assert not OutletRule.objects.exists()


def test_a_second_story_in_a_file_is_imported_on_its_own_and_linked(admin_client, db):
    result = Importer().import_bytes("sample.txt", SAMPLE_FILES[3].read_bytes())
    first = Article.objects.get(pk=result.article.pk)
    raw_page = admin_client.get(reverse("raw_article", args=[first.pk])).content.decode()
    assert "استورده مقالاً مستقلاً" in raw_page
    response = admin_client.post(reverse("import_second_story", args=[first.pk]))
    second = Article.objects.get(split_from=first)
    assert response.url == reverse("raw_article", args=[second.pk])
    assert second.source == first.source
    assert second.body.split("\n")[0] not in first.body
    raw_page = admin_client.get(reverse("raw_article", args=[first.pk])).content.decode()
    assert "استورده مقالاً مستقلاً" not in raw_page and f"/articles/{second.pk}/" in raw_page
    # Asking again imports nothing new: the same text is a duplicate.
    admin_client.post(reverse("import_second_story", args=[first.pk]))
    assert Article.objects.filter(split_from=first).count() == 1
