"""The clean-up: per sample, the headline, the furniture removed and the story kept."""

from __future__ import annotations

import datetime

import pytest

from articles.text.cleaning import clean
from tests.conftest import sample_text

SADA_TITLE = (
    "هل نشهد حرباً نووية؟!| ماذا يعني التقارب بين روسيا وكوريا الشمالية.. أمريكا وأوروبا في خطر"
)

# index → (title start, furniture that must be gone, story lines that must stay)
SAMPLES = {
    0: (
        SADA_TITLE,
        ["قناة صدى البلد", "english EN", "الإشراف العام", "رئيس التحرير", "طه جبريل", "×",
         "بوتين وزعيم كوريا الشمالية\n"],
        ["وافقت الحكومة الروسية، على مشروع اتفاق", "روسيا وكوريا الشمالية\n",
         "ووصف الرئيس الروسي الوثيقة المعدة بأنها أساسية"],
    ),
    1: (
        "دقت اليابان وكوريا الجنوبية ناقوس الخطر",
        ["افتح ملخص المحرر مجانًا", "شاركها.", "اترك تعليقاً", "Exit mobile version"],
        ["دقت اليابان وكوريا الجنوبية ناقوس الخطر", "وقال ليف إريك إيسلي، الأستاذ في جامعة إيهوا"],
    ),
    2: (
        "خلال زيارة تاريخية.. بوتين وكيم يوقعان اتفاقية جديدة للدفاع المشترك",
        ["أخبار\n", "تعليق", "إقرأ أيضاً", "زر الذهاب إلى الأعلى"],
        ["وقع الرئيس الروسي فلاديمير بوتين والزعيم الكوري", "وقال وزير الخارجية أنتوني بلينكن"],
    ),
    3: (
        "أكد الرئيس الروسي فلاديمير بوتين أن الولايات المتحدة",
        ["الجديد برس:", "المصدر: الجديد برس", "كلمات دلالية", "إقرأ أيضاً:", "مقالات مشابهة",
         "زاخاروفا: اتفاقية الشراكة", "•", "عودة إلى الحرب الباردة", "تحت عنوان العودة"],
        ["أكد الرئيس الروسي فلاديمير بوتين", "“روسيا وكوريا الشمالية ستعملان على تطوير آليات",
         "وفي حين أكد الرئيسان أهمية العلاقات الاستراتيجية"],
    ),
    4: (
        "في سياق موسوم بتصاعد التوترات مع الدول الغربية",
        ["عربي ودولي", "19 يونيو, 2024", "بيونغ يانغ/صوت الشعب/وكالات:", "رأيكم يه",
         "تهمّنا آراؤكم", "لا يسمح بتضمين التعليق", "#فلاديمير_بوتين", "#موسكو"],
        ["يزور الرئيس الروسي فلاديمير بوتين الثلاثاء", "عزلة موسكو على الساحة الدولية",
         "ماذا سيستفيد البلدان؟", "وفي 2019، سافر كيم جونغ أون بالقطار"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("index", sorted(SAMPLES))
def test_each_sample_keeps_its_story_and_loses_its_furniture(index):
    title, gone, kept = SAMPLES[index]
    cleaned = clean(sample_text(index))
    assert cleaned.title.startswith(title)
    for text in gone:
        assert text not in cleaned.body, text
    for text in kept:
        assert text in cleaned.body, text
    assert "\n\n\n" not in cleaned.body
    assert cleaned.body == cleaned.body.strip()


def test_the_sada_elbalad_title_is_the_headline_not_the_menu():
    assert clean(sample_text(0)).title == SADA_TITLE


def test_a_headline_is_kept_as_the_first_line_of_the_body():
    assert clean(sample_text(0)).body.startswith(SADA_TITLE + "\n")


@pytest.mark.parametrize(
    ("index", "outlet", "date"),
    [
        (0, "صدى البلد", None),
        (3, "الجديد برس", None),
        (4, "صوت الشعب", datetime.date(2024, 6, 19)),
    ],
)
def test_outlet_and_date_come_from_bylines_datelines_and_menus(index, outlet, date):
    cleaned = clean(sample_text(index))
    assert cleaned.outlet == outlet
    assert cleaned.published_on == date


def test_every_removed_line_is_recorded_with_its_rule():
    raw = sample_text(4)
    cleaned = clean(raw)
    rules = {r["rule"] for r in cleaned.removed_json}
    assert {"header", "dateline", "byline", "trailer", "hashtag"} <= rules
    lines = raw.split("\n")
    removed = {
        n for r in cleaned.removed_json if r["rule"] not in ("hashtag", "invisible")
        for n in range(r["first"], r["last"] + 1)
    }  # fmt: skip
    # Putting the removed lines back with the kept ones gives every non-blank line.
    for number, line in enumerate(lines, start=1):
        if line.strip() and number not in removed:
            assert line.strip().replace("#", "").replace("_", " ") in cleaned.body


def test_bidi_controls_and_zero_width_characters_are_removed_and_counted():
    raw = (
        "عنوان الخبر المهم هنا اليوم\n\n"
        "قال المتحدث\u202e إن الاتفاق\u200b مهم جداً للبلدين وسيستمر العمل به لسنوات قادمة.\n"
    )
    cleaned = clean(raw)
    assert "\u202e" not in cleaned.body and "\u200b" not in cleaned.body
    assert {"first": 3, "last": 3, "rule": "invisible", "count": 2} in cleaned.removed_json


def test_zwnj_is_kept_because_it_shapes_letters():
    body = "قال المتحدث إن الاتفاق مهم جداً للبلدين وسيستمر العمل به لسنوات قادمة مع\u200cذلك."
    assert "\u200c" in clean(body).body


def test_a_read_also_box_in_the_middle_removes_only_its_links():
    para = "قال الوزير في مؤتمر صحفي إن المحادثات كانت مثمرة وإن الجانبين اتفقا على خطوات جديدة."
    raw = f"{para}\n\nاقرأ أيضاً\nرابط لخبر آخر قصير\n\n{para.replace('الوزير', 'السفير')}\n"
    cleaned = clean(raw)
    assert "رابط لخبر آخر" not in cleaned.body
    assert "السفير" in cleaned.body
    assert any(r["rule"] == "read_also" for r in cleaned.removed_json)


def test_a_bulleted_list_of_links_is_removed():
    para = "قال الوزير في مؤتمر صحفي إن المحادثات كانت مثمرة وإن الجانبين اتفقا على خطوات جديدة."
    raw = f"{para}\n• خبر أول\n• خبر ثانٍ\n• خبر ثالث\n{para}ثم"
    cleaned = clean(raw)
    assert "خبر أول" not in cleaned.body
    assert any(r["rule"] == "link_list" for r in cleaned.removed_json)


def test_a_file_without_a_headline_gets_its_first_sentence_as_title():
    para = "قال الوزير في مؤتمر صحفي إن المحادثات كانت مثمرة. وأضاف أن الجانبين اتفقا على خطوات."
    assert clean(para).title == "قال الوزير في مؤتمر صحفي إن المحادثات كانت مثمرة."


@pytest.mark.parametrize("label", ["عنوان: ", "العنوان : ", "عنوان:"])
def test_a_title_label_is_not_kept_in_the_title(label):
    para = (
        f"{label}الوزير يعلن خطة جديدة للنقل\n\n"
        "قال الوزير في مؤتمر صحفي إن الخطة تبدأ الشهر المقبل. وأضاف أن التمويل جاهز."
    )
    assert clean(para).title.startswith("الوزير")
