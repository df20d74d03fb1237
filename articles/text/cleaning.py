"""Split a scraped news file into the story and the site furniture around it.

Pure functions, no Django: text in, `Cleaned` out. Every removed line is recorded with
the rule that removed it (1-based line numbers of the normalised raw text), so an admin
can audit the clean-up and the raw text stays the source of truth.

The rules are about page structure, not these particular sites:
- `header`: short lines above the first real paragraph (menus, section names, editor
  credits, "open the digest"-style calls) except the headline, which is kept;
- `repeated`: a short line printed more than once (image captions, credits);
- `dateline` / `byline`: a date, or "place/outlet/agency:" above the story;
- `trailer`: a known end-of-story marker ("شاركها.", "اترك تعليقاً", "مقالات مشابهة",
  comment rules, tag lists…) and everything after it;
- `read_also`: an "اقرأ أيضاً" box in the middle of a story with its short link lines;
- `link_list`: two or more bulleted short lines (related-article lists);
- `credit`: "المصدر: …" naming the outlet;
- `stray`: lines with no letter or digit at all ("×", "***");
- `hashtag` and `invisible` are edits inside kept lines: "#فلاديمير_بوتين" becomes
  "فلاديمير بوتين", and bidi controls / zero-width characters are removed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

# Bidi embeddings/overrides/isolates and marks (they can reorder text on screen:
# "Trojan Source"), zero-width space, word joiner and a BOM in mid-text. ZWNJ and ZWJ
# are kept: they change how Arabic-script letters join and are legitimate.
INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
    + [0x200B, 0x2060, 0xFEFF, 0x180E]
)
INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in INVISIBLE) + "]")

ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
WORD_RE = re.compile(r"\w+")
HASHTAG_RE = re.compile(r"(?<![\w&#])#(\w+)")
BULLET_RE = re.compile(r"^\s*[•·▪●◦‣\-*–]\s+")
SENTENCE_END = tuple(".!?؟…")

HEADLINE_MIN_WORDS = 5
PARAGRAPH_MIN_WORDS = 20  # a line this long is story text even without a full stop
SENTENCE_MIN_WORDS = 8  # a line this long ending in a full stop is story text
SHORT_LINE_WORDS = 12  # menus, captions, related headlines are shorter than this

# End-of-story markers: the line (compared without tatweel, punctuation or case) ends
# the story and everything after it is furniture.
TRAILER_MARKERS = {
    "شاركها",
    "شارك",
    "شارك هذا المقال",
    "شارك الخبر",
    "مشاركة",
    "اترك تعليقا",
    "اترك تعليقاً",
    "أضف تعليق",
    "اضف تعليق",
    "تعليق",
    "تعليقات",
    "التعليقات",
    "مقالات مشابهة",
    "مقالات ذات صلة",
    "أخبار ذات صلة",
    "اخبار ذات صلة",
    "مواضيع ذات صلة",
    "الأكثر قراءة",
    "الاكثر قراءة",
    "رأيكم يهمنا",
    "exit mobile version",
    "زر الذهاب إلى الأعلى",
    "العودة إلى الأعلى",
    "back to top button",
}
TRAILER_PREFIXES = ("كلمات دلالية", "الكلمات الدلالية", "الوسوم", "وسوم")
# "Read also": at the end it ends the story; in the middle it is a box of links.
READ_ALSO_MARKERS = {"اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "إقرأ أيضاً", "اقرا ايضا"}
CREDIT_PREFIXES = ("المصدر:", "المصدر :")

# Outlets recognisable from their site furniture (menus, credits), as displayed.
KNOWN_OUTLETS = {
    "صدى البلد": "صدى البلد",
    "sada elbalad": "صدى البلد",
    "الجديد برس": "الجديد برس",
    "صوت الشعب": "صوت الشعب",
    "فايننشال تايمز": "فايننشال تايمز",
    "financial times": "فايننشال تايمز",
    "روسيا اليوم": "روسيا اليوم",
    "الجزيرة نت": "الجزيرة نت",
    "سكاي نيوز عربية": "سكاي نيوز عربية",
    "العربية نت": "العربية نت",
    "بي بي سي عربي": "بي بي سي عربي",
    "فرانس 24": "فرانس 24",
}
GENERIC_BYLINE_PARTS = {"وكالات", "وكالة", "خاص", "متابعات", "رويترز", "أ ف ب", "ا ف ب"}

MONTHS = {
    # Egyptian/Gulf names, Levantine/Iraqi names, and the usual spelling variants.
    "يناير": 1,
    "كانون الثاني": 1,
    "فبراير": 2,
    "شباط": 2,
    "مارس": 3,
    "آذار": 3,
    "اذار": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "نيسان": 4,
    "مايو": 5,
    "أيار": 5,
    "ايار": 5,
    "يونيو": 6,
    "يونيه": 6,
    "حزيران": 6,
    "يوليو": 7,
    "يوليه": 7,
    "تموز": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "آب": 8,
    "سبتمبر": 9,
    "أيلول": 9,
    "ايلول": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "تشرين الأول": 10,
    "نوفمبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "كانون الأول": 12,
}
_MONTH_ALT = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
DATE_WORDS_RE = re.compile(rf"(\d{{1,2}})\s*(?:من\s*)?({_MONTH_ALT})\s*[,،]?\s*(\d{{4}})")
DATE_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DATE_DMY_RE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass
class Removal:
    first: int  # 1-based line numbers in the raw text, inclusive
    last: int
    rule: str
    count: int = 0  # for edits inside kept lines (hashtag, invisible): how many

    def as_json(self) -> dict:
        data = {"first": self.first, "last": self.last, "rule": self.rule}
        if self.count:
            data["count"] = self.count
        return data


@dataclass
class Cleaned:
    body: str
    title: str
    published_on: datetime.date | None = None
    outlet: str = ""
    removed: list[Removal] = field(default_factory=list)

    @property
    def removed_json(self) -> list[dict]:
        return [removal.as_json() for removal in self.removed]


def clean(raw: str) -> Cleaned:
    """Split normalised raw text (NFC, LF) into the story and the furniture."""
    lines = raw.split("\n")
    rules: list[str | None] = [None] * len(lines)  # why each line was removed
    edits: list[Removal] = []
    texts = []
    for number, line in enumerate(lines, start=1):
        stripped, n = INVISIBLE_RE.subn("", line)
        if n:
            edits.append(Removal(number, number, "invisible", n))
        texts.append(stripped.strip())

    _mark_trailers(texts, rules)
    _mark_link_lists(texts, rules)
    _mark_repeated(texts, rules)
    for i, text in enumerate(texts):
        if text and rules[i] is None and not _has_word(text):
            rules[i] = "stray"
    first_paragraph = next(
        (i for i, text in enumerate(texts) if rules[i] is None and _is_paragraph(text)), None
    )
    headline = _mark_header(texts, rules, first_paragraph)
    for i, text in enumerate(texts):
        if rules[i] is None and text.startswith(CREDIT_PREFIXES) and _words(text) <= 8:
            rules[i] = "credit"

    kept = []
    for i, text in enumerate(texts):
        if rules[i] is not None:
            continue
        text, n = HASHTAG_RE.subn(lambda m: m.group(1).replace("_", " "), text)
        if n:
            edits.append(Removal(i + 1, i + 1, "hashtag", n))
        kept.append(text)
    body = _join_paragraphs(kept)
    furniture = [texts[i] for i in range(len(texts)) if rules[i] is not None]
    title = texts[headline] if headline is not None else _title_from_body(body)
    return Cleaned(
        body=body,
        title=title,
        published_on=_find_date(furniture) or _find_date(texts[: (first_paragraph or 0) + 1]),
        outlet=_find_outlet(texts, rules),
        removed=_ranges(rules) + edits,
    )


def normalise(text: str) -> str:
    """NFC and LF line endings, once, before anything is stored (offsets count after it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def has_arabic(text: str) -> bool:
    return ARABIC_RE.search(text) is not None


def strip_invisible(text: str) -> str:
    return INVISIBLE_RE.sub("", text)


# --- line classification --------------------------------------------------------------


def _key(text: str) -> str:
    """A line as compared with the marker lists: no tatweel, punctuation or case."""
    text = text.replace("\u0640", "").casefold()
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


_TRAILER_KEYS = {_key(m) for m in TRAILER_MARKERS}
_READ_ALSO_KEYS = {_key(m) for m in READ_ALSO_MARKERS}
_TRAILER_PREFIX_KEYS = tuple(_key(p) for p in TRAILER_PREFIXES)


def _words(text: str) -> int:
    return len(text.split())


def _has_word(text: str) -> bool:
    return WORD_RE.search(text) is not None


def _is_paragraph(text: str) -> bool:
    words = _words(text)
    if words >= PARAGRAPH_MIN_WORDS:
        return True
    return words >= SENTENCE_MIN_WORDS and text.rstrip("”\"»)' ").endswith(SENTENCE_END)


def _is_trailer(text: str) -> bool:
    if len(text) > 200:  # markers are short; long lines are story
        return False
    key = _key(text)
    return key in _TRAILER_KEYS or (_words(text) <= 20 and key.startswith(_TRAILER_PREFIX_KEYS))


def _mark_trailers(texts: list[str], rules: list[str | None]) -> None:
    seen_story = False
    for i, text in enumerate(texts):
        if not text:
            continue
        if seen_story and _is_trailer(text):
            for j in range(i, len(texts)):
                rules[j] = rules[j] or "trailer"
            return
        if len(text) < 40 and _key(text) in _READ_ALSO_KEYS:
            rest = [t for t in texts[i + 1 :] if t]
            if seen_story and (not rest or not any(_is_paragraph(t) for t in rest)):
                for j in range(i, len(texts)):
                    rules[j] = rules[j] or "trailer"
                return
            # A box in the middle: the marker and the short link lines under it.
            rules[i] = "read_also"
            for j in range(i + 1, len(texts)):
                if texts[j] and (_is_paragraph(texts[j]) or _words(texts[j]) > SHORT_LINE_WORDS):
                    break
                if texts[j]:
                    rules[j] = "read_also"
            continue
        if _is_paragraph(text):
            seen_story = True


def _mark_link_lists(texts: list[str], rules: list[str | None]) -> None:
    i = 0
    while i < len(texts):
        run = []
        j = i
        while j < len(texts) and (
            not texts[j] or (BULLET_RE.match(texts[j]) and _words(texts[j]) <= 20)
        ):
            if texts[j]:
                run.append(j)
            j += 1
        if len(run) >= 2:
            for k in run:
                rules[k] = rules[k] or "link_list"
        i = max(j, i + 1)


def _mark_repeated(texts: list[str], rules: list[str | None]) -> None:
    """Short lines printed more than once are captions or credits: drop every copy.
    A long paragraph printed twice keeps its first copy."""
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if text and rules[i] is None:
            positions.setdefault(text, []).append(i)
    for text, found in positions.items():
        if len(found) < 2:
            continue
        repeats = found if _words(text) <= SHORT_LINE_WORDS else found[1:]
        for i in repeats:
            rules[i] = "repeated"


def _mark_header(
    texts: list[str], rules: list[str | None], first_paragraph: int | None
) -> int | None:
    """Remove the short lines above the story; return the index of the headline, if any."""
    if first_paragraph is None:
        return None
    candidates = [
        i
        for i in range(first_paragraph)
        if rules[i] is None and texts[i] and _is_headline(texts[i])
    ]
    headline = max(candidates, key=lambda i: _words(texts[i]), default=None)
    for i in range(first_paragraph):
        if rules[i] is not None or not texts[i] or i == headline:
            continue
        if _parse_date(texts[i]) and _words(texts[i]) <= 8:
            rules[i] = "dateline"
        elif texts[i].endswith((":", "：")) and _words(texts[i]) <= 8:
            rules[i] = "byline"
        else:
            rules[i] = "header"
    return headline


def _is_headline(text: str) -> bool:
    words = text.split()
    if len(words) < HEADLINE_MIN_WORDS or not has_arabic(text) or text.endswith(":"):
        return False
    if BULLET_RE.match(text) or _parse_date(text):
        return False
    # Menus repeat their words ("صدى البلد البلد سبورت صدى البلد جامعات …").
    return len(set(words)) / len(words) >= 0.8


def _ranges(rules: list[str | None]) -> list[Removal]:
    """Runs of removed lines with the same rule; blank lines inside a run join it."""
    ranges: list[Removal] = []
    for i, rule in enumerate(rules):
        if rule is None:
            continue
        if ranges and ranges[-1].rule == rule and ranges[-1].last == i:  # adjacent
            ranges[-1].last = i + 1
        else:
            ranges.append(Removal(i + 1, i + 1, rule))
    return ranges


def _join_paragraphs(lines: list[str]) -> str:
    """Kept lines, one blank line between paragraphs at most."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _title_from_body(body: str) -> str:
    """No headline in the file: the first sentence, cut at a word boundary."""
    first = next((line for line in body.split("\n") if line.strip()), "")
    sentence = re.split(r"(?<=[.!؟?])\s", first, maxsplit=1)[0]
    if len(sentence) <= 120:
        return sentence
    cut = sentence[:120].rsplit(" ", 1)[0]
    return cut.rstrip("،,؛;:") + "…"


# --- date and outlet ------------------------------------------------------------------


def _parse_date(text: str) -> datetime.date | None:
    text = text.translate(DIGITS)
    for regex, order in ((DATE_WORDS_RE, "dmy_word"), (DATE_ISO_RE, "ymd"), (DATE_DMY_RE, "dmy")):
        match = regex.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if order == "dmy_word":
                return datetime.date(int(c), MONTHS[b], int(a))
            if order == "ymd":
                return datetime.date(int(a), int(b), int(c))
            return datetime.date(int(c), int(b), int(a))
        except ValueError:
            continue
    return None


def _find_date(lines: list[str]) -> datetime.date | None:
    for line in lines:
        if line and _words(line) <= 12:
            found = _parse_date(line)
            if found:
                return found
    return None


def _find_outlet(texts: list[str], rules: list[str | None]) -> str:
    for i, text in enumerate(texts):
        if rules[i] == "credit":
            name = text.split(":", 1)[1].strip()
            if name:
                return name[:200]
    for i, text in enumerate(texts):
        if rules[i] == "byline":
            name = _outlet_from_byline(text)
            if name:
                return name
    furniture = " ".join(texts[i] for i in range(len(texts)) if rules[i] is not None).casefold()
    for marker, name in KNOWN_OUTLETS.items():
        if marker in furniture:
            return name
    return ""


def _outlet_from_byline(text: str) -> str:
    """ "بيونغ يانغ/صوت الشعب/وكالات:" → "صوت الشعب"; "الجديد برس:" → "الجديد برس"."""
    parts = [p.strip() for p in re.split(r"[/|]", text.rstrip(":： ")) if p.strip()]
    parts = [p for p in parts if unicodedata.normalize("NFC", p) not in GENERIC_BYLINE_PARTS]
    if not parts:
        return ""
    if len(parts) >= 2:  # "place/outlet"
        return parts[1][:200]
    return parts[0][:200] if _words(parts[0]) <= 4 else ""
