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
import functools
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
INVISIBLE_CHARS = "".join(map(chr, INVISIBLE))
INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")

ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
WORD_RE = re.compile(r"\w+")
_ARABIC_LETTERS = "\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f"
ARABIC_LETTER_RE = re.compile(f"[{_ARABIC_LETTERS}]")
NOT_ARABIC_LETTER_RE = re.compile(f"[^{_ARABIC_LETTERS}]+")
DIGIT_RE = re.compile(r"\d")
LETTER_WORD_RE = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!؟?])\s")
TITLE_LABEL_RE = re.compile(r"^(?:ال)?عنوان\s*:\s*")  # a "عنوان:" label is not the headline
PUNCTUATION_RE = re.compile(r"[^\w\s]")
CODE_CHARS = "{}<>=[];"
HASHTAG_RE = re.compile(r"(?<![\w&#])#(\w+)")
BULLETS = "•·▪●◦‣-*–"
BULLET_RE = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s+")  # lines are stripped: [0] is the bullet
SENTENCE_END = tuple(".!?؟…")

HEADLINE_MIN_WORDS = 3
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
    "قد يعجبك أيضا",
    "قد يعجبك ايضا",
    "قد يهمك أيضا",
    "قد يهمك ايضا",
    "أخبار تهمك",
    "اخبار تهمك",
    "شارك المقال",
    "أخبار متعلقة",
    "اخبار متعلقة",
    "المزيد من الأخبار",
    "recent posts",
    "related posts",
    "loading",
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
DATE_WORDS_RE = re.compile(
    rf"(\d{{1,2}})\s*[/\-]?\s*(?:من\s*)?({_MONTH_ALT})(?:\s*[-/]\s*(?:{_MONTH_ALT}))?"
    rf"\s*[,،/\-]?\s*(\d{{4}})"
)
DATE_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DATE_DMY_RE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
DATE_DMY_SHORT_RE = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
# Everything a dateline may hold besides the date: weekday, time, hour marks, Hijri.
DATE_TOKENS_RE = re.compile(
    rf"\d+|{_MONTH_ALT}|الساعة|مساء\S*|صباح\S*|[صمـ]|pm|am|هـ|"
    r"السبت|الأحد|الاحد|الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|"
    r"تاريخ|النشر|نشر|محدث|آخر تحديث|منذ",
    re.IGNORECASE,
)
TIME_RE = re.compile(r"\b\d{1,2}:\d{2}\b")
HIJRI_RE = re.compile(r"\d\s*هـ|محرم|صفر|ربيع|جمادى|رجب|شعبان|رمضان|شوال|ذو القعدة|ذو الحجة")
_DATE_PATTERNS = (  # tried in this order; the first valid date wins
    (DATE_WORDS_RE, "dmy_word", ""),
    (DATE_ISO_RE, "ymd", "-"),
    (DATE_DMY_RE, "dmy", "/.-"),
    (DATE_DMY_SHORT_RE, "dmy_short", "/"),
)
CRAWLER_DATE_RE = re.compile(r"^date\s+\d{4}-\d{2}-\d{2}\b")
# A date at the start of the first story line: the capture tool's, or "تاريخ النشر: …".
GLUED_DATE_RE = re.compile(
    r"^(?:date\s+\d{4}-\d{2}-\d{2}\s*"
    r"|(?:تاريخ النشر|نشر بتاريخ|نشر في)\s*:?\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    r"(?:\s*[|،,\-]?\s*\d{1,2}:\d{2}(?:\s*(?:[صم]|am|pm)\b)?)?\s*)"
)
# "جفرا نيوز - ", "وطنا اليوم:", "الخرطوم: النورس نيوز- ": up to four words and a dash or
# colon before the story's first word (with or without a space).
GLUED_CREDIT_RE = re.compile(
    r"^(?P<credit>[^\s:\-–—.،,«“\"]+(?:\s+[^\s:\-–—.،,«“\"]+){0,3}"
    r"(?:\s*[:\-–—]\s*[^\s:\-–—.،,«“\"]+(?:\s+[^\s:\-–—.،,«“\"]+){0,2}){0,2})"
    r"\s*[:\-–—]\s*"
)
GLUED_SUFFIX_RE = re.compile(
    r"\s*(?:The post .{3,300}? appeared first on .{2,100}|ظهرت المقالة .{3,300}? أولاً على .{2,100}"
    r"|ظهر المقال .{3,300}? أولا على .{2,100})$"
)
URL_LINE_RE = re.compile(r"\s*(?:\S{0,20}\s)?(?:https?://|www\.|pic\.twitter\.com/)\S+\s*")
DOMAIN_RE = re.compile(r"(?:https?://)?(?:www\.)?[a-z0-9\-]+(?:\.[a-z]{2,6}){1,2}/?", re.I)
MARKUP_RE = re.compile(
    r"</?[a-zA-Z][^>]*>|\bfunction\s*\(|\bvar\s+\w+\s*=|=>|\{\s*\"[\w-]+\"\s*:|"
    r"[.#]?[\w-]+\s*\{[^}]*:[^}]*\}|\bdocument\.|\bwindow\.|googletag|\bdata-[\w-]+="
)
BBCODE_RE = re.compile(r"\[/?[A-Za-z]+(?:=[^\]]*)?\]")
BREADCRUMB_RE = re.compile(
    r"(?:\S\s+[»›>/|]\s+\S.*){2,}|^(?:الرئيسية|الرئيسيه|home)\s*[»›>/|]", re.IGNORECASE
)
BREADCRUMB_MARKS = "»›>/|"
# What every breadcrumb has: a separator after a space, or a "home" link first.
BREADCRUMB_SEPARATOR_RE = re.compile(r"\s[»›>/|]")
BREADCRUMB_HOME_RE = re.compile(r"الرئيسية|الرئيسيه|home", re.IGNORECASE)
MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+")
MASTHEAD_SPLIT_RE = re.compile(
    r"رئيس\s*مجلس|رئيس\s*التحرير|مدير\s*التحرير|مستشار\s*التحرير|الإشراف العام|الإدارة والتحرير"
)
_READ_ALSO_LINE_RE = re.compile(
    r"^(?:اقرأ|إقرأ|اقرا|إقرا)\s*(?:أيضا|أيضاً|ايضا|ايضاً)|^(?:طالع|شاهد)\s+أيضا"
)
# "a statement received by X", "tweets monitored by (X)": the outlet speaking of itself.
RECEIVED_BY_RE = re.compile(
    r"(?<!\w)(?:تلقته|تلقتها|تلقاه|تلقت|رصدته|رصدتها|رصده|حصلت عليه|اطلعت عليه|اطلعت عليها)\s+"
    r"[(«\"“]?(?P<name>[^\s،,()«»\"“”.]+(?:\s[^\s،,()«»\"“”.]+)?)[)»\"”]?(?=\s*[،,)]|\s+نسخة)"
)
# Separators inside a credit, a dateline or a byline; what a bare name line never holds.
CREDIT_SPLIT_RE = re.compile(r"\s*[:/|\-–—ـ]\s*")
DATELINE_SPLIT_RE = re.compile(r"\s+[/ـ\-–—]\s+")
BYLINE_SPLIT_RE = re.compile(r"[/|]")
NAME_LINE_REFUSED_RE = re.compile(r"[,،:/|»>]|\d{3,}")
CREDIT_IN_PARENTHESES_RE = re.compile(r"\((\w[\w .]{0,30})\)")
WRAPPED_MIN_WORDS = 14  # a hard-wrapped line is this long and runs on into the next

# Social networks and share buttons, on lines of their own.
SOCIAL_WORDS = [
    *[
        "فيسبوك",
        "تويتر",
        "إكس",
        "واتساب",
        "تيليجرام",
        "تلغرام",
        "تليجرام",
        "انستغرام",
        "إنستغرام",
        "انستجرام",
        "يوتيوب",
    ],
    *[
        "لينكدإن",
        "بينترست",
        "ماسنجر",
        "طباعة",
        "مشاركة",
        "شارك",
        "facebook",
        "twitter",
        "x",
        "whatsapp",
    ],
    *[
        "telegram",
        "instagram",
        "youtube",
        "linkedin",
        "tiktok",
        "snapchat",
        "pinterest",
        "messenger",
        "print",
    ],
    *["email", "share", "فيس بوك", "واتس اب", "تيك توك", "سناب شات", "جوجل نيوز"],
    *["google news", "نسخ الرابط", "copy link", "مشاركة الخبر", "شارك الخبر", "شارك المقال"],
    *["البريد الإلكتروني"],
]
# Section labels that sit where a site's name could: never taken as the outlet.
SECTION_NAMES = [
    *[
        "أخبار",
        "اخبار",
        "الأخبار",
        "الاخبار",
        "محليات",
        "محلي",
        "رياضة",
        "الرياضة",
        "اقتصاد",
        "الاقتصاد",
        "سياسة",
    ],
    *[
        "السياسة",
        "مجتمع",
        "ثقافة",
        "فن",
        "منوعات",
        "تكنولوجيا",
        "صحة",
        "دولي",
        "عربي",
        "عالمي",
        "مقالات",
        "آراء",
        "رأي",
    ],
    *["الرئيسية", "فيديو", "صور", "عاجل", "حوادث", "تقارير"],
    *["عربي ودولي", "ثقافة وفن", "أخبار محلية", "آخر الأخبار"],
]
FOLLOW_STEMS = ("تابع", "وتابع", "follow", "شارك", "اشترك", "انضم", "حمل", "تابعوا", "تابعونا")
PAYWALL_PHRASES = (
    "للمشتركين فقط", "اشترك الآن", "اشترك لقراءة", "اشترك للمتابعة", "سجل الدخول لمتابعة",
    "سجل دخولك", "تصفح بدون إعلانات", "تصفح بلا إعلانات", "المقالات الحصرية",
    "محتوى حصري للمشتركين",
    "subscribe", "subscribers only", "sign in to continue",
)  # fmt: skip
MASTHEAD_PHRASES = ("رئيس التحرير", "رئيس مجلس", "مدير التحرير", "الإشراف العام", "مستشار التحرير",
                    "رئيس مجلسي", "رئيس مجلسى", "الإدارة والتحرير")  # fmt: skip
SPEECH_VERB_KEYS = {
    "قال", "قالت", "أضاف", "اضاف", "أضافت", "تابع", "تابعت", "أكد", "اكد", "أكدت", "اكدت",
    "أوضح", "اوضح", "أوضحت", "أشار", "اشار", "أشارت", "ذكر", "ذكرت", "صرح", "صرحت", "أعلن",
    "اعلن", "أعلنت", "كتب", "كتبت", "غرد", "غردت", "أردف", "اردف", "استدرك", "واصل", "أكمل",
}  # fmt: skip
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
EASTERN_DIGIT_RE = re.compile("[٠-٩۰-۹]")


@dataclass
class Removal:
    first: int  # 1-based line numbers in the raw text, inclusive
    last: int
    rule: str
    count: int = 0  # for edits inside kept lines (hashtag, invisible): how many
    cut: str = ""  # for furniture glued onto a kept line: the text cut from it

    def as_json(self) -> dict:
        data = {"first": self.first, "last": self.last, "rule": self.rule}
        if self.count:
            data["count"] = self.count
        if self.cut:
            data["cut"] = self.cut
        return data


@dataclass
class Cleaned:
    body: str
    title: str
    published_on: datetime.date | None = None
    outlet: str = ""
    removed: list[Removal] = field(default_factory=list)
    # A second full article printed after "اقرأ أيضاً": its 1-based raw lines (first, last),
    # offered to an Admin as its own import rather than silently dropped.
    second_story: tuple[int, int] | None = None

    @property
    def removed_json(self) -> list[dict]:
        return [removal.as_json() for removal in self.removed]


@dataclass(frozen=True)
class OutletMemory:
    """What earlier imports from one outlet taught, as `line_key`s: lines an admin marked
    as furniture or as story, and short lines seen on its other pages (site memory)."""

    furniture: frozenset[str] = frozenset()
    story: frozenset[str] = frozenset()
    seen: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.furniture or self.story or self.seen)

    def touches(self, keys: set[str]) -> bool:
        """Whether any of these line keys is remembered (else cleaning again changes nothing)."""
        return not keys.isdisjoint(self.furniture | self.story | self.seen)


def memory_keys(raw: str) -> set[str]:
    """The keys of a page's lines that site memory and learned rules can match."""
    keys = set()
    for line in raw.split("\n"):
        text = line.strip()
        if text and len(text) <= 1000:
            keys.add(line_key(text))
    keys.discard("")
    return keys


def short_lines(text: str) -> list[str]:
    """The non-empty lines of at most SHORT_LINE_WORDS words (what site memory holds)."""
    return [line for line in text.split("\n") if line.strip() and _words(line) <= SHORT_LINE_WORDS]


def seen_keys(raw: str) -> set[str]:
    """The keys of a page's short lines: what site memory remembers of it."""
    return {key for key in map(line_key, short_lines(raw)) if key}


NO_MEMORY = OutletMemory()


def clean(raw: str, memory: OutletMemory = NO_MEMORY) -> Cleaned:
    """Split normalised raw text (NFC, LF) into the story and the furniture."""
    lines = raw.split("\n")
    rules: list[str | None] = [None] * len(lines)  # why each line was removed
    edits: list[Removal] = []
    if not any(map(raw.__contains__, INVISIBLE_CHARS)):  # most pages: no per-line search
        texts = [line.strip() for line in lines]
    else:
        texts = []
        for number, line in enumerate(lines, start=1):
            stripped, n = INVISIBLE_RE.subn("", line)
            if n:
                edits.append(Removal(number, number, "invisible", n))
            texts.append(stripped.strip())
    keep = (
        {i for i, text in enumerate(texts) if text and line_key(text) in memory.story}
        if memory.story
        else set()
    )

    crawled_on = _crawler_date(texts)
    _mark_trailers(texts, rules)
    _mark_link_lists(texts, rules)
    copies = _copies(texts, rules)
    repeated_headline = _repeated_headline(texts, rules, copies)
    _mark_repeated(rules, copies, repeated_headline)
    for i, text in enumerate(texts):
        if text and rules[i] is None:
            if memory.furniture and line_key(text) in memory.furniture:
                rules[i] = "learned"
            elif not _has_word(text):
                rules[i] = "stray"
            else:
                rules[i] = furniture_kind(text)
    if memory.seen:
        _mark_seen(texts, rules, memory.seen)
    first_paragraph = _story_start(texts, rules, repeated_headline)
    headline = _mark_header(texts, rules, first_paragraph, repeated_headline)
    for i, text in enumerate(texts):
        if rules[i] is None and text.startswith(CREDIT_PREFIXES) and _words(text) <= 8:
            rules[i] = "credit"
    _mark_tail(texts, rules)
    second = _second_story(texts, rules)
    for i in keep:
        rules[i] = None

    glued_date, glued_outlet = None, ""
    story_first = next(
        (i for i in range(len(texts)) if texts[i] and rules[i] is None and i != headline), None
    )
    if (
        story_first is not None
        and story_first not in keep
        and (_is_paragraph(texts[story_first]) or _is_wrapped(texts, story_first))
    ):
        for _ in range(2):  # a capture date, then an outlet credit
            cut, credit, date = _glued_prefix(texts[story_first])
            if not cut:
                break
            edits.append(Removal(story_first + 1, story_first + 1, "glued", cut=cut))
            texts[story_first] = texts[story_first][len(cut) :].strip()
            glued_outlet, glued_date = glued_outlet or credit, glued_date or date
    outlet = _find_outlet(texts, rules, headline, glued_outlet)

    kept = []
    hashtags = []  # listed after the glued footers, as the audit shows them
    for i, text in enumerate(texts):
        if rules[i] is not None:
            continue
        suffix = _glued_suffix(text) if text else ""
        if suffix:
            edits.append(Removal(i + 1, i + 1, "glued", cut=suffix))
            text = texts[i] = text[: -len(suffix)].rstrip()
        if i == headline:
            text = MARKDOWN_HEADING_RE.sub("", text)
        n = 0
        if "#" in text:  # the substitution is costly; few lines hold a hashtag
            text, n = HASHTAG_RE.subn(lambda m: m.group(1).replace("_", " "), text)
        if n:
            hashtags.append(Removal(i + 1, i + 1, "hashtag", n))
        kept.append(text)
    edits += hashtags
    body = _join_paragraphs(kept)
    title = (
        MARKDOWN_HEADING_RE.sub("", texts[headline])
        if headline is not None
        else _title_from_body(body)
    )
    title = TITLE_LABEL_RE.sub("", title)
    return Cleaned(
        body=body,
        title=title,
        published_on=crawled_on or glued_date or _article_date(texts, rules, headline),
        outlet=outlet,
        removed=_ranges(rules) + edits,
        second_story=second,
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


@functools.lru_cache(maxsize=8192)
def line_key(text: str) -> str:
    """A line as compared with marker lists and an outlet's memory: no tatweel,
    punctuation, invisible characters or case; digits kept."""
    # Invisible characters are neither word characters nor spaces: the punctuation
    # pattern removes them too (after case folding, which can leave combining marks).
    return " ".join(PUNCTUATION_RE.sub("", text.casefold().replace("\u0640", "")).split())


_key = line_key
_TRAILER_KEYS = {_key(m) for m in TRAILER_MARKERS}
_TRAILER_KEY_WORDS = max(len(key.split()) for key in _TRAILER_KEYS)
_READ_ALSO_KEYS = {_key(m) for m in READ_ALSO_MARKERS}
_TRAILER_PREFIX_KEYS = tuple(_key(p) for p in TRAILER_PREFIXES)
SOCIAL_KEYS = {_key(w) for w in SOCIAL_WORDS}
_PAYWALL_KEYS = tuple(_key(w) for w in PAYWALL_PHRASES)
_MASTHEAD_KEYS = tuple(_key(w) for w in MASTHEAD_PHRASES)
# Any of the phrases inside a key: one regex search instead of a loop of `in` tests.
_PAYWALL_RE = re.compile("|".join(map(re.escape, _PAYWALL_KEYS)))
_MASTHEAD_RE = re.compile("|".join(map(re.escape, _MASTHEAD_KEYS)))
_FREE_WORDS = frozenset({"مجانا", "free"})
_SECTION_KEYS = {line_key(w) for w in SECTION_NAMES}
_GENERIC_KEYS = {line_key(w) for w in GENERIC_BYLINE_PARTS} | {"رصد", "خاص", "متابعة"}


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> int:
    return len(text.split())


def _has_word(text: str) -> bool:
    return WORD_RE.search(text) is not None


# A regex class scan over Arabic text costs several times what these C calls do: the
# line's ASCII characters, minus every byte but the ones looked for.
_NOT_LATIN_BYTES = bytes(b for b in range(128) if not chr(b).isalpha())
_NOT_CODE_BYTES = bytes(b for b in range(128) if chr(b) not in CODE_CHARS)


def _ascii_only(text: str, deleted: bytes) -> bytes:
    return text.encode("ascii", "ignore").translate(None, deleted)


def latin_letters(text: str) -> int:
    """How many Latin letters (A-Z, a-z) a line holds."""
    return len(_ascii_only(text, _NOT_LATIN_BYTES))


@functools.lru_cache(maxsize=8192)
def arabic_share(text: str) -> float:
    """The share of Arabic letters among the Arabic and Latin letters of a line (0 when it
    has none)."""
    latin = latin_letters(text)
    if not latin:  # most lines: no count needed
        return 1.0 if ARABIC_LETTER_RE.search(text) else 0.0
    # Counted as what is left once every other character is deleted: no match objects.
    arabic = len(NOT_ARABIC_LETTER_RE.sub("", text))
    return arabic / (arabic + latin) if arabic + latin else 0.0


# Line tests run several times per line (header, story start, tail): cached by text.
@functools.lru_cache(maxsize=8192)
def _is_paragraph(text: str) -> bool:
    words = _words(text)
    if words >= PARAGRAPH_MIN_WORDS:
        return arabic_share(text) >= 0.5 and not is_code(text)
    return words >= SENTENCE_MIN_WORDS and text.rstrip("”\"»)' ").endswith(SENTENCE_END)


@functools.lru_cache(maxsize=8192)
def is_code(text: str) -> bool:
    """CSS, JavaScript, JSON, HTML or BBCode, however long the line."""
    if not _ascii_only(text, _NOT_CODE_BYTES):
        return False
    if MARKUP_RE.search(text) and arabic_share(text) < 0.5:
        return True
    if BBCODE_RE.search(text) and _words(BBCODE_RE.sub(" ", text)) <= 4:
        return True
    code_marks = sum(text.count(ch) for ch in "{};=<>()[]")
    return code_marks >= 4 and arabic_share(text) < 0.3


def _is_date_only(text: str) -> bool:
    """A date (and time, weekday) with at most two other words: a dateline."""
    if not _parse_date(text):
        return False
    rest = DATE_TOKENS_RE.sub(" ", _western_digits(text))
    return len(LETTER_WORD_RE.findall(rest)) <= 2


@functools.lru_cache(maxsize=8192)
def furniture_kind(text: str) -> str | None:
    """The rule that makes one line site furniture wherever it stands, from its features
    (not from one site's wording): links, code, Latin-only labels in an Arabic page,
    social and share buttons, paywall notices, bare datelines, "read also" links."""
    if URL_LINE_RE.fullmatch(text):
        return "link"
    if is_code(text):
        return "code"
    words = _words(text)
    if words > 25:
        return None  # every rule below is about short lines
    key = _key(text) if words <= 20 else ""  # the rules that compare keys are for short lines
    if words <= 12 and (key in SOCIAL_KEYS or _social_line(key)):
        return "social"
    if words <= 20 and _PAYWALL_RE.search(key):
        return "paywall"
    if words <= 6 and not _FREE_WORDS.isdisjoint(key.split()):
        return "paywall"  # "open the editor's digest free", "try it free"
    if words <= 8 and not has_arabic(text) and latin_letters(text):
        return "latin"
    if words <= 12 and _is_date_only(text):
        return "dateline"
    if words <= 25 and _READ_ALSO_LINE_RE.match(text) and ":" in text[:20]:
        return "read_also"
    return None


def _social_line(key: str) -> bool:
    """ "Follow us on …", "share on …": a follow/share verb and a network or news app."""
    tokens = key.split()
    follow = any(t.startswith(FOLLOW_STEMS) for t in tokens[:3])
    return follow and any(t in SOCIAL_KEYS or t in ("نيوز", "news") for t in tokens)


def _is_trailer(text: str) -> bool:
    if len(text) > 200:  # markers are short; long lines are story
        return False
    if _words(text) > 20:  # only a whole marker can match, and a story line has too many words
        too_long = _arabic_words_at_least(text, _TRAILER_KEY_WORDS + 1)
        return not too_long and _key(text) in _TRAILER_KEYS
    key = _key(text)
    return key in _TRAILER_KEYS or key.startswith(_TRAILER_PREFIX_KEYS)


# A word holding an Arabic letter (tatweel aside) keeps that letter in its key, so a line
# with more such words than a marker has cannot be that marker.
_ARABIC_WORD_RE = re.compile("[\u0621-\u063f\u0641-\u064a]\\S*")


def _arabic_words_at_least(text: str, count: int) -> bool:
    """Whether at least `count` of the line's words hold an Arabic letter."""
    for found, _match in enumerate(_ARABIC_WORD_RE.finditer(text), start=1):
        if found >= count:
            return True
    return False


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


def _second_story(texts: list[str], rules: list[str | None]) -> tuple[int, int] | None:
    """After a "read also" marker among the removed lines: a headline, then two or more
    paragraphs up to the next end-of-story marker, is another full article. Its lines get
    the rule "second_story"; returns their 1-based range."""
    for i, text in enumerate(texts):
        if rules[i] is None or not text or len(text) >= 40 or _key(text) not in _READ_ALSO_KEYS:
            continue
        lines = [j for j in range(i + 1, len(texts)) if texts[j]]
        if not lines or _is_paragraph(texts[lines[0]]) or not _headline_like(texts[lines[0]]):
            continue
        paragraphs = []
        for j in lines[1:]:
            if not _is_paragraph(texts[j]) or _is_trailer(texts[j]):
                break
            paragraphs.append(j)
        if len(paragraphs) >= 2:
            for j in range(lines[0], paragraphs[-1] + 1):
                if texts[j]:
                    rules[j] = "second_story"
            return lines[0] + 1, paragraphs[-1] + 1
    return None


def _mark_link_lists(texts: list[str], rules: list[str | None]) -> None:
    """Two or more short bulleted lines, blank lines between them allowed."""
    run: list[int] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        if text[0] in BULLETS and BULLET_RE.match(text) and _words(text) <= 20:
            run.append(i)
            continue
        if len(run) >= 2:
            for k in run:
                rules[k] = rules[k] or "link_list"
        run = []
    if len(run) >= 2:
        for k in run:
            rules[k] = rules[k] or "link_list"


def _mark_seen(texts: list[str], rules: list[str | None], seen: frozenset[str]) -> None:
    """Site memory: short lines above the story or below it that the outlet printed on an
    earlier page. Lines between the story's paragraphs are left alone (a subheading may
    come back in another article)."""
    story = [
        i
        for i, t in enumerate(texts)
        if t and rules[i] is None and (_is_paragraph(t) or _is_wrapped(texts, i))
    ]
    first, last = (story[0], story[-1]) if story else (len(texts), -1)
    for i, text in enumerate(texts):
        if not text or rules[i] is not None or first <= i <= last:
            continue
        if _words(text) <= SHORT_LINE_WORDS and line_key(text) in seen:
            rules[i] = "seen"


@functools.lru_cache(maxsize=8192)
def _is_breadcrumb(text: str) -> bool:
    """ "الرئيسية » أخبار » محليات": path separators between short parts."""
    return (
        any(map(text.__contains__, BREADCRUMB_MARKS))
        and (
            BREADCRUMB_SEPARATOR_RE.search(text) is not None
            or BREADCRUMB_HOME_RE.match(text) is not None
        )
        and BREADCRUMB_RE.search(text) is not None
    )


def _is_masthead(text: str) -> bool:
    """Staff credits printed under a site's name ("رئيس التحرير …")."""
    return _MASTHEAD_RE.search(_key(text)) is not None


def _copies(texts: list[str], rules: list[str | None]) -> dict[str, list[int]]:
    """Where each line not yet removed stands, by its text (the lines printed twice)."""
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if text and rules[i] is None:
            positions.setdefault(text, []).append(i)
    return positions


def _repeated_headline(
    texts: list[str], rules: list[str | None], copies: dict[str, list[int]]
) -> int | None:
    """A line of three words or more above the story that the page prints again (as the
    page title, or once more at the end) is the headline, not a repeated caption."""
    story = next(
        (i for i, t in enumerate(texts) if rules[i] is None and _words(t) >= PARAGRAPH_MIN_WORDS),
        len(texts),
    )
    previous = ""
    for i in range(story):
        text = texts[i]
        if not text:
            continue
        above, previous = previous, text
        if rules[i] is not None or len(copies[text]) < 2:
            continue  # most lines: printed once
        # A copy on the very next line is an image's caption printed under its alt text.
        elsewhere = [j for j in copies[text] if abs(j - i) > 1]
        if (
            elsewhere
            and not _is_masthead(above)  # the name printed under "رئيس التحرير"
            and _headline_like(text, 3)
        ):
            return i
    return None


def _mark_repeated(
    rules: list[str | None], copies: dict[str, list[int]], headline: int | None
) -> None:
    """Short lines printed more than once are captions or credits: drop every copy.
    A long paragraph printed twice keeps its first copy; so does a repeated headline."""
    for text, found in copies.items():
        if len(found) < 2:
            continue
        long_or_headline = _words(text) > SHORT_LINE_WORDS or found[0] == headline
        for i in found[1:] if long_or_headline else found:
            rules[i] = "repeated"


def _is_wrapped(texts: list[str], i: int) -> bool:
    """A hard-wrapped paragraph: a long line with no sentence end that runs straight on
    into the next line."""
    text = texts[i]
    return (
        _words(text) >= WRAPPED_MIN_WORDS
        and not text.rstrip("”\"»)' ").endswith(SENTENCE_END)
        and i + 1 < len(texts)
        and _words(texts[i + 1]) >= SENTENCE_MIN_WORDS
    )


def _is_metadata(text: str, rule: str | None) -> bool:
    """Lines that belong to the article's header: dates, bylines, captions, Latin labels."""
    if rule in ("repeated", "latin", "dateline"):
        return True
    if rule is not None or text.rstrip("”\"»)' ").endswith(SENTENCE_END):
        return False  # "وعقد الاجتماع في 3 يونيو 2024." is a story sentence
    return _is_date_only(text) or (_words(text) <= 8 and _parse_date(text) is not None)


def _story_start(
    texts: list[str], rules: list[str | None], headline: int | None = None
) -> int | None:
    """The first story paragraph. A standfirst or a long headline can look like one: when
    a dateline, byline or caption follows it before the next paragraph, the story starts
    after that."""
    paragraphs = [
        i
        for i, t in enumerate(texts)
        if rules[i] is None
        and t
        and i != headline
        and (_is_paragraph(t) or _is_wrapped(texts, i))
        and not (t[0] == "#" and MARKDOWN_HEADING_RE.match(t))
        and not _is_breadcrumb(t)
    ]
    if not paragraphs:
        return None
    start = paragraphs[0]
    for _ in range(2):
        later = [p for p in paragraphs if p > start]
        if not later:
            break
        between = range(start + 1, later[0])
        if any(texts[j] and _is_metadata(texts[j], rules[j]) for j in between):
            start = later[0]
        else:
            break
    return start


def _mark_header(
    texts: list[str],
    rules: list[str | None],
    first_paragraph: int | None,
    repeated_headline: int | None,
) -> int | None:
    """Remove the short lines above the story; return the index of the headline, if any."""
    if first_paragraph is None:
        return None
    headline: int | None
    if repeated_headline is not None and repeated_headline < first_paragraph:
        headline = repeated_headline
        rules[headline] = None
    else:
        candidates = [
            i
            for i in range(first_paragraph)
            if rules[i] is None and texts[i] and _headline_like(texts[i])
        ]
        headline = max(candidates, key=lambda i: _words(texts[i]), default=None)
    for i in range(first_paragraph):
        if rules[i] is not None or not texts[i] or i == headline:
            continue
        if _words(texts[i]) <= 8 and _parse_date(texts[i]):
            rules[i] = "dateline"
        elif texts[i].endswith((":", "：", "-", "–", "—")) and _words(texts[i]) <= 8:
            rules[i] = "byline"
        else:
            rules[i] = "header"
    return headline


@functools.lru_cache(maxsize=8192)
def _headline_like(text: str, min_words: int = HEADLINE_MIN_WORDS) -> bool:
    """A headline: mostly Arabic, not a menu, breadcrumb, masthead, dateline or label."""
    words = (MARKDOWN_HEADING_RE.sub("", text) if text[0] == "#" else text).split()
    if len(words) < min_words or arabic_share(text) < 0.5 or text.endswith((":", "：")):
        return False
    if BULLET_RE.match(text) or _is_breadcrumb(text) or _is_masthead(text):
        return False
    if _words(text) <= 16 and _parse_date(text) or _outlet_from_dateline(text):
        return False
    # Menus repeat their words ("صدى البلد البلد سبورت صدى البلد جامعات …").
    return len(set(words)) / len(words) >= 0.8


_is_headline = _headline_like


def _mark_tail(texts: list[str], rules: list[str | None]) -> None:
    """After the last story paragraph: a run of two or more short lines (site names,
    tags, widget labels) is furniture. One short last line stays: it is often the end
    of a story cut off by the capture, and a line that reads as a sentence (starting
    with و, or ending with a colon) stops the run."""
    kept = [i for i, t in enumerate(texts) if t and rules[i] is None]
    run: list[int] = []
    for i in reversed(kept):
        text = texts[i]
        if _is_paragraph(text) or _is_wrapped(texts, i) or _words(text) > SHORT_LINE_WORDS:
            break
        if text.endswith((":", "：")) or (text.startswith("و") and _words(text) >= 4):
            break
        run.append(i)
    trailer_follows = "trailer" in rules
    if len(run) >= 2 or (run and trailer_follows and _words(texts[run[0]]) <= 4):
        for i in run:
            rules[i] = "tail"


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
    sentence = SENTENCE_SPLIT_RE.split(first, maxsplit=1)[0]
    if len(sentence) <= 120:
        return sentence
    cut = sentence[:120].rsplit(" ", 1)[0]
    return cut.rstrip("،,؛;:") + "…"


# --- furniture glued onto a story line ------------------------------------------------


def _glued_prefix(text: str) -> tuple[str, str, datetime.date | None]:
    """A credit, dateline or publication date stuck before the first story words:
    ("جفرا نيوز - ", "جفرا نيوز", None). Returns the cut text, an outlet, a date."""
    match = GLUED_DATE_RE.match(text)
    if match:
        return match.group(0), "", _parse_date(match.group(0))
    match = GLUED_CREDIT_RE.match(text)
    if not match:
        return "", "", None
    credit = match.group("credit").strip()
    words = credit.split()
    # A speaker, not a credit: "وتابع:" or "قال الوزير:" (speech verbs start with و/ق…).
    if any(_key(w).lstrip("وف") in SPEECH_VERB_KEYS for w in words):
        return "", "", None
    rest = text[match.end() :]
    if not rest or rest[0] in "\"“«”'" or not has_arabic(rest[:20]):
        return "", "", None
    parts = [p.strip() for p in CREDIT_SPLIT_RE.split(credit) if p.strip()]
    outlet = next((p for p in parts if _key(p) not in _GENERIC_KEYS), "")
    if len(parts) >= 2 and ":" in credit:  # "الخرطوم: النورس نيوز": place, then outlet
        outlet = parts[1]
    if "(" in credit or (len(parts) == 1 and _words(outlet) == 1):
        outlet = ""  # "بيروت (رويترز) -", "غزة -": a dateline names a place or an agency
    return match.group(0), outlet[:200], None


def _glued_suffix(text: str) -> str:
    """A blog engine's "The post … appeared first on …" stuck after the last sentence."""
    if "first on" not in text and "أول" not in text[-120:]:
        return ""  # the regex below is costly on long lines; most lines have no footer
    if "The post" not in text and "ظهر" not in text:
        return ""  # every footer the regex knows opens with one of these
    match = GLUED_SUFFIX_RE.search(text)
    return match.group(0) if match and match.start() > 0 else ""


# --- date and outlet ------------------------------------------------------------------


def _western_digits(text: str) -> str:
    """Arabic-Indic digits as ASCII ones (translating costs more than looking for them)."""
    return text.translate(DIGITS) if EASTERN_DIGIT_RE.search(text) else text


@functools.lru_cache(maxsize=8192)
def _parse_date(text: str) -> datetime.date | None:
    if DIGIT_RE.search(text) is None:  # every date pattern below needs a digit
        return None
    text = _western_digits(text)
    for regex, order, separators in _DATE_PATTERNS:
        if separators and not any(mark in text for mark in separators):
            continue  # the pattern needs one of these marks between its numbers
        for match in regex.finditer(text):
            a, b, c = match.groups()
            try:
                if order == "dmy_word":
                    return datetime.date(int(c), MONTHS[b], int(a))
                if order == "ymd":
                    return datetime.date(int(a), int(b), int(c))
                if order == "dmy_short":
                    return datetime.date(2000 + int(c), int(b), int(a))
                return datetime.date(int(c), int(b), int(a))
            except ValueError:
                continue
    return None


def _crawler_date(texts: list[str]) -> datetime.date | None:
    """A capture tool's "date YYYY-MM-DD" at the very start of the file."""
    first = next((t for t in texts if t), "")
    match = CRAWLER_DATE_RE.match(first)
    return _parse_date(match.group(0)) if match else None


def _article_date(
    texts: list[str], rules: list[str | None], headline: int | None
) -> datetime.date | None:
    """The article's own date: a short dated line in the header zone, below the headline
    when there is one. Dates above the headline and dates next to a Hijri date are the
    site header's "today", not the article's."""
    below = headline + 1 if headline is not None else 0
    for i, text in enumerate(texts):
        if not text or _words(text) > 16:
            continue
        if rules[i] is None and i > below and _is_paragraph(text):
            break  # into the story: dates there are events, not the publication date
        found = _parse_date(text)
        if found is None:
            continue
        if HIJRI_RE.search(text) or (i < below and not TIME_RE.search(text)):
            continue  # the site header's "today": no time of publication, or Hijri
        return found
    return None


def _find_outlet(
    texts: list[str], rules: list[str | None], headline: int | None, glued: str = ""
) -> str:
    """The publishing outlet as printed: a source credit, a "place / outlet" dateline, the
    name above a masthead, a short name line under the headline or on top of the page,
    a credit in parentheses or a site name before its web address at the end."""
    if "credit" in rules:  # most pages have no credit or byline line
        for i, text in enumerate(texts):
            if rules[i] == "credit":
                name = text.split(":", 1)[1].strip()
                if name:
                    return name[:200]
    if "byline" in rules:
        for i, text in enumerate(texts):
            if rules[i] == "byline":
                name = _outlet_from_byline(text)
                if name:
                    return name
    header = [i for i, rule in enumerate(rules) if rule in ("header", "dateline", "latin")]
    for i in header:
        if _words(texts[i]) <= 16:
            name = _outlet_from_dateline(texts[i])
            if name:
                return name
    for i in header:
        text = texts[i]
        if rules[i] != "latin" and MASTHEAD_SPLIT_RE.search(text):
            name = MASTHEAD_SPLIT_RE.split(text, maxsplit=1)[0].strip(" -|،,")
            if 1 <= _words(name) <= 3 and not _parse_date(name):
                return name[:200]
    return (
        glued
        or _name_line_after(texts, rules, headline)
        or _footer_outlet(texts, rules)
        or _known_outlet(texts, rules)
        or _receiving_outlet(texts, rules)
    )


def _receiving_outlet(texts: list[str], rules: list[str | None]) -> str:
    """The outlet naming itself in the story: "في بيان تلقته «X»،", "رصدتها (X)"."""
    for i, text in enumerate(texts):
        if rules[i] is None and (
            "تلق" in text or "رصد" in text or "اطلع" in text or "حصلت" in text
        ):
            match = RECEIVED_BY_RE.search(text)
            if match:
                return match.group("name").strip()[:200]
    return ""


def _outlet_from_dateline(text: str) -> str:
    """ "الرباط / الأناضول" or "واشنطن ـ المغرب اليوم" → the outlet after the place;
    an agency abbreviation in parentheses ("لندن (د ب أ)") is not an outlet."""
    if "(" in text or DATELINE_SPLIT_RE.search(text) is None:
        return ""  # most header lines have no separator: no parts to weigh
    if "/" not in text and _parse_date(text):
        return ""
    parts = [p.strip() for p in DATELINE_SPLIT_RE.split(text) if p.strip()]
    if len(parts) < 2 or len(parts) > 3:
        return ""
    named = [p for p in parts if 1 <= _words(p) <= 3 and has_arabic(p) and not _parse_date(p)]
    named = [p for p in named if _key(p) not in _GENERIC_KEYS]
    if len(parts) == 2 and len(named) == 2 and _words(parts[0]) <= 2:
        return parts[1][:200]
    if len(parts) == 3 and _parse_date(parts[0]) and len(named) == 2:
        return named[0][:200]  # "date / outlet - place"
    return ""


def _name_line_after(texts: list[str], rules: list[str | None], headline: int | None) -> str:
    """A one-to-three-word name line right under the headline, or the first line of the
    page above it, when it is not a date, a section list or a label."""
    candidates = []
    if headline is not None:
        below = next((j for j in range(headline + 1, len(texts)) if texts[j]), None)
        if below is not None:
            candidates.append(below)
        above = next((j for j in range(headline) if texts[j]), None)
        if above is not None:
            candidates.append(above)
    for i in candidates:
        text = texts[i]
        if rules[i] not in ("header", "latin") or not 1 <= _words(text) <= 3:
            continue
        if not LETTER_WORD_RE.search(text):
            continue
        if _parse_date(text) or NAME_LINE_REFUSED_RE.search(text):
            continue
        key = _key(text)
        if key in _GENERIC_KEYS or key in SOCIAL_KEYS or key in _SECTION_KEYS:
            continue
        if _is_masthead(text):
            continue
        return text[:200]
    return ""


def _footer_outlet(texts: list[str], rules: list[str | None]) -> str:
    """At the end: "(CNN)" as a credit line, or a site name before its web address."""
    removed = [i for i, t in enumerate(texts) if t and rules[i] is not None]
    for i in removed:
        match = CREDIT_IN_PARENTHESES_RE.fullmatch(texts[i])
        if match and rules[i] in ("tail", "latin", "trailer"):
            return match.group(1)
    for a, b in zip(removed, removed[1:], strict=False):
        if DOMAIN_RE.fullmatch(texts[b]) and 1 <= _words(texts[a]) <= 3 and has_arabic(texts[a]):
            return texts[a][:200]
    for i in removed:  # a site's own name and slogan: "الموقع: آخر الأخبار"
        name, colon, slogan = texts[i].partition(":")
        footer = colon and rules[i] in ("tail", "trailer") and 1 <= _words(name) <= 3
        if footer and _words(slogan) >= 3 and has_arabic(name) and _key(name) not in _GENERIC_KEYS:
            return name.strip()[:200]
    return ""


def _known_outlet(texts: list[str], rules: list[str | None]) -> str:
    furniture = " ".join(texts[i] for i in range(len(texts)) if rules[i] is not None).casefold()
    for marker, name in KNOWN_OUTLETS.items():
        if marker in furniture:
            return name
    return ""


def _outlet_from_byline(text: str) -> str:
    """ "بيونغ يانغ/صوت الشعب/وكالات:" → "صوت الشعب"; "الجديد برس:" → "الجديد برس"."""
    parts = [p.strip() for p in BYLINE_SPLIT_RE.split(text.rstrip(":：-–— ")) if p.strip()]
    parts = [p for p in parts if unicodedata.normalize("NFC", p) not in GENERIC_BYLINE_PARTS]
    if not parts:
        return ""
    if len(parts) >= 2:  # "place/outlet"
        return parts[1][:200]
    return parts[0][:200] if _words(parts[0]) <= 4 else ""
