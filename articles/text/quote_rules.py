"""Rule-based quote suggestions for Arabic news text: passages of quoted or reported speech
and who said them. Pure functions, no Django, so the rules are cheap to test and to time.

Offsets are code points into the body (`body[start:end]` is the passage), like Tag.start/end.
Every suggestion names the rule that fired and explains it in Arabic for the hover tooltip.
See docs/quote-suggestions.md for the rules, the gold set and the measured precision/recall.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from articles.text.arabic import fold_arabic
from articles.text.cleaning import SOCIAL_KEYS, is_code, line_key

__all__ = ["Suggestion", "suggest_quotes", "fold_speaker", "speakers_match"]


REPORTED_RULES = frozenset({"verb_that", "participle"})


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    speaker: str
    rule: str
    explanation: str

    @property
    def kind(self) -> str:
        """ "reported" (unmarked speech after أن/إن) or "direct" (in quotation marks, or
        after a colon), so an editor can tell a paraphrase from the speaker's words."""
        return "reported" if self.rule in REPORTED_RULES else "direct"


_fold = fold_arabic


def _listed(text: str) -> list[str]:
    """A word list written as one string, easier to read and edit for Arabic."""
    return text.split()


def _folded(text: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in text.split())


# --- Patterns ------------------------------------------------------------------------------
# The patterns run on the stored (unfolded) text, so they allow marks between letters.
_DIACRITICS = "\u064b-\u065f\u0670\u0640"  # harakat, superscript alef, tatweel
_D = f"[{_DIACRITICS}]*"  # letters may carry harakat (شدّد) in the stored text
_LEFT = rf"(?<![\w{_DIACRITICS}])"
_RIGHT = rf"(?![\w{_DIACRITICS}])"


def _tolerant(word: str) -> str:
    """Regex for `word` allowing harakat after each letter and any alef/hamza spelling."""
    parts = []
    for ch in word:
        parts.append("[أإآا]" if ch in "أإآا" else re.escape(ch))
    return _D.join(parts) + _D


# Attribution verbs: (past, present stem after ي/ت, participle stem or ""). The pattern adds
# و/ف, the past's feminine ت / dual تا ا / plural وا, an object pronoun (ذكرته، وصفها), the
# present's ي/ت prefix and plural ون/ان, and the participle's ا/اً/ة endings (مضيفاً، مؤكدة).
# Participles that are also common nouns (متحدث "spokesman", مغرد "tweeter") are left out.
VERB_FORMS = [
    ("قال", "قول", "قائل"),
    ("أضاف", "ضيف", "مضيف"),
    ("أكد", "ؤكد", "مؤكد"),
    ("أوضح", "وضح", "موضح"),
    ("صرح", "صرح", ""),
    ("أشار", "شير", "مشير"),
    ("ذكر", "ذكر", ""),
    ("أعلن", "علن", "معلن"),
    ("تابع", "تابع", "متابع"),
    ("شدد", "شدد", "مشدد"),
    ("حذر", "حذر", "محذر"),
    ("اعتبر", "عتبر", "معتبر"),
    ("وصف", "صف", ""),
    ("أعرب", "عرب", "معرب"),
    ("تحدث", "تحدث", ""),
    ("لفت", "لفت", "لافت"),
    ("أفاد", "فيد", ""),
    ("نفى", "نفي", "نافي"),
    ("نفت", "", ""),  # نفى loses its ى before ت
    ("غرد", "غرد", ""),
    ("أردف", "ردف", "مردف"),
    ("استدرك", "ستدرك", "مستدرك"),
    ("واصل", "واصل", ""),
    ("أكمل", "كمل", ""),
    ("نوه", "نوه", "منوه"),
    ("علق", "علق", "معلق"),
    ("أجاب", "جيب", ""),
    ("كتب", "كتب", ""),
    ("توقع", "توقع", "متوقع"),
    ("نقل", "نقل", ""),
    ("اعتقد", "عتقد", ""),
    ("كشف", "كشف", "كاشف"),
    ("زعم", "زعم", ""),
    ("اعترف", "عترف", "معترف"),
    ("استطرد", "ستطرد", "مستطرد"),
    ("أبرز", "برز", "مبرز"),
    ("", "", "مبين"),
    ("", "", "معبر"),
]
ATTRIBUTION_VERBS = [past for past, _present, _participle in VERB_FORMS if past]
# Verbs that report speech in every position ("الوزير أكد أن"); the others (present tense,
# كتب، نقل، توقع …) also narrate, so they count only where a clause begins: after و/ف, a
# full stop, a comma or a colon, or at the start of the paragraph.
ALWAYS_ATTRIBUTING = _folded(
    "قال أضاف أكد أوضح صرح أشار ذكر أعلن تابع شدد حذر اعتبر وصف أعرب تحدث لفت أفاد"
)
PRESENT_STEMS = [present for _past, present, _participle in VERB_FORMS if present]
PARTICIPLES = [participle for _past, _present, participle in VERB_FORMS if participle]

_VERB_RE = re.compile(
    _LEFT
    + "(?P<prefix>[وف]?)(?P<verb>"
    + "|".join(_tolerant(v) for v in ATTRIBUTION_VERBS)
    + rf")(?P<suffix>ت|وا|تا|ا)?{_D}(?P<pronoun>ه|ها|هم|هما)?"
    + _RIGHT
    + "|"
    + _LEFT
    + "(?P<pprefix>[وف]?)(?P<present>[يت](?:"
    + "|".join(_tolerant(v) for v in PRESENT_STEMS)
    + rf"))(?:ون|ان)?{_D}"
    + _RIGHT
    + "|"
    + _LEFT
    + "(?P<bprefix>[وف])(?P<bayyana>"
    + _tolerant("بين")
    + r")(?=\s+(?:[أإا]ن|بأن))"
    + "|"
    + _LEFT
    + "(?P<participle>"
    + "|".join(_tolerant(p) for p in PARTICIPLES)
    + rf")(?:ا|ة){_D}"
    + _RIGHT
)

# Quotation marks: «» ‹› „“ and the marks written both ways (" ” “ ″ ‟ ''); their role
# (opening or closing) is read from the spaces around them, see _quotations.
_OPENING = '“«"”″„‟‹'
_CLOSING = '”“»"″‟›'
_ALWAYS_OPEN = "«‹„"
_ALWAYS_CLOSE = "»›"
_QUOTE_MARKS = frozenset(_OPENING + _CLOSING)
_QUOTE_MARK_RE = re.compile("[" + re.escape("".join(sorted(_QUOTE_MARKS))) + "]")

COMPLEMENTIZERS = _folded("إن أن إنه أنه إنها أنها إنهم أنهم إنهما أنهما بأن بأنه بأنها بأنهم")
# Words that end a speaker phrase (prepositions, times, verbs of going) after the verb.
_SPEAKER_STOPS = _folded(
    "في فى خلال يوم أمس اليوم الأربعاء الخميس الجمعة السبت الأحد الاثنين الثلاثاء "
    "الأسبوع الشهر على علي إلى الى عن من مع بعد قبل أيضا أيضاً كذلك بدوره فيها "
    "فيه منه عنه لدى حسب بحسب وفقا أمام"
)
# A name in quotation marks right after one of these nouns is a title, not speech.
_TITLE_NOUNS = _folded(
    "صحيفة لصحيفة للصحيفة وكالة لوكالة موقع قناة مجلة جامعة قاعدة شبكة لشبكة "
    "عنوانه عنوانها بعنوان عنوان برنامج لبرنامج معهد مركز شاشة جلسة جلسات منتدى مؤتمر "
    "حساب صفحة هاشتاق هاشتاغ وسم حملة مبادرة كتاب كتابه فيلم مسلسل أغنية خطبة مقال مقاله "
    "تقرير جريدة لجريدة نشرة إذاعة لإذاعة تلفزيون قناته فضائية لـ"
)
# Nouns that start a description of a speaker rather than a name.
ROLE_NOUNS = _folded("مدرب مدير نائب عضو محامي محامية ناطق متحدث سفير أمين قائد مسؤول مستشار")
# "ل" + a media noun ends a speaker: قال مسؤولون لشبكة … / قال X لوكالة …
_TO_MEDIA = _folded("لوكالة لشبكة لصحيفة لموقع لقناة لمجلة")

_MAX_SPEAKER_WORDS = 7
_SEARCH_WORDS = 24  # how far after the speaker a complementizer or quote may come
_MIN_REPORTED_WORDS = 3  # shorter reported content is not a statement
_MIN_BARE_QUOTE_WORDS = 4  # an unattributed quote shorter than this is a term or a title

# A word; a colon ends one even when the quotation mark follows it with no space
# (قال:"…"), but not inside a time (10:30).
_WORD_RE = re.compile(r"(?:[^\s:]|(?<=\d):(?=\d))+:?|:")
_EDGE_PUNCT = "،,:؛;.!؟?()[]" + "“”«»\"'"
_SENTENCE_END_RE = re.compile(r"(?<!\.)[.!؟?](?=\s|$)")  # "…فيه.. لكنهم" goes on

EXPLANATIONS = {
    "verb_that": "كلام منقول غير مباشر، بلا علامات تنصيص: فعل إسناد «{verb}» يليه «أن/إن»{who}.",
    "verb_quote": "فعل إسناد «{verb}» يليه نص بين علامتَي تنصيص{who}.",
    "verb_colon": "فعل إسناد «{verb}» تليه نقطتان ثم الكلام المنقول{who}.",
    "participle": "كلام منقول غير مباشر، بلا علامات تنصيص: صيغة «{verb}» تضيف قولًا آخر "
    "للمتحدث نفسه{who}.",
    "describe_as": "«{verb} … بأنه» يليه وصف بين علامتَي تنصيص منسوب إلى قائله{who}.",
    "after_quote": "نص بين علامتَي تنصيص يليه «{verb}» الذي ينسبه{who}.",
    "colon_quote": "نص بين علامتَي تنصيص بعد نقطتين{who}.",
    "quote_marks": "نص من {words} كلمات أو أكثر بين علامتَي تنصيص، دون فعل إسناد ظاهر.",
}


def _explain(rule: str, verb: str, speaker: str, carried: bool, words: int = 0) -> str:
    if not speaker:
        who = "، ولم يُعرف المتحدث"
    elif carried:
        who = f"، والمتحدث «{speaker}» مأخوذ من إسناد سابق في النص"
    else:
        who = f"، والمتحدث «{speaker}» هو الاسم الذي يلي الفعل"
    return EXPLANATIONS[rule].format(verb=verb, who=who, words=words)


# --- Helpers -------------------------------------------------------------------------------
@dataclass
class _Cue:
    start: int  # where the cue begins (the verb, including its و/ف prefix)
    verb: str
    speaker: str  # named in the text, or "" (anaphoric)
    content_start: int | None  # where the attributed passage begins, if any
    how: str  # "that", "quote", "colon", "participle"
    describe: bool  # وصف … بأنه: only a following quotation counts


@functools.lru_cache(maxsize=4096)
def _core(word: str) -> str:
    return _fold(word.strip(_EDGE_PUNCT))


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def _clean_speaker(words: list[str]) -> str:
    text = " ".join(words)
    text = text.strip(" ،,:؛" + '“”«»"')
    return re.sub(r"[“”«»\"]", "", text).strip()


def _read_cue(para: str, m: re.Match, quotes: list[tuple[int, int]], limit: int) -> _Cue:
    """Read the speaker after an attribution verb and where the attributed passage starts.

    `limit` is where the next cue (or the sentence) begins: nothing is read past it.
    """
    if m.group("participle"):
        verb = m.group("participle")
        how, speaker_open = "participle", False
    else:
        verb = m.group(0)
        how, speaker_open = "that", True
    describe = bool(m.group("verb")) and _fold(m.group("verb")) == _fold("وصف")
    next_word = para[m.end() :].split(maxsplit=1)
    definite = bool(next_word) and _fold(next_word[0]).startswith("ال")
    if describe and not m.group("pronoun") and definite:
        speaker_open = False  # ووصف الاتفاق بأنه …: the noun after the verb is the object
    speaker: list[str] = []
    collecting = speaker_open
    prev_core = ""
    for n, w in enumerate(_WORD_RE.finditer(para, m.end(), limit)):
        if n > _SEARCH_WORDS:
            break
        word = w.group(0)
        core = _core(word)
        if word[0] in _OPENING:
            quote = next(((s, e) for s, e in quotes if s == w.start()), None)
            if quote and (prev_core in _TITLE_NOUNS or (collecting and _title_like(para, quote))):
                if collecting:  # وكالة “أسوشيتد برس”: the name is part of the speaker
                    speaker.append(para[quote[0] : quote[1]])
                    # skip the words of the title
                    prev_core = ""
                continue
            if quote:
                who = _apposed(para, m.end(), w.start(), speaker)
                return _Cue(m.start(), verb, who, w.start(), "quote", describe)
        if _inside(w.start(), quotes):
            continue
        if core in COMPLEMENTIZERS:
            who = _apposed(para, m.end(), w.start(), speaker)
            return _Cue(m.start(), verb, who, w.end(), how, describe)
        if word.endswith(":"):
            if collecting:
                speaker.append(word)
            who = _apposed(para, m.end(), w.end() - 1, speaker)
            return _Cue(m.start(), verb, who, w.end(), "colon", describe)
        if collecting:
            if core in _SPEAKER_STOPS or core in _TO_MEDIA or len(speaker) >= _MAX_SPEAKER_WORDS:
                collecting = False
            elif not speaker and _adverb(word):
                collecting = False  # كتبت أخيراً، ذكرها تأدباً: an adverb, no subject here
            else:
                speaker.append(word)
                if word.endswith(("،", ",")):
                    collecting = False
        prev_core = core
    return _Cue(m.start(), verb, _clean_speaker(speaker), None, how, describe)


def _adverb(word: str) -> bool:
    """An accusative adverb (أخيراً، تأدباً، أيضاً): it ends in alef with tanween."""
    core = word.strip(_EDGE_PUNCT)
    return core.endswith(("اً", "ًا")) and len(core) > 3


def _role_like(phrase: str) -> bool:
    """A description rather than a name: "المتحدث باسم …", "وزير الخارجية", "مدرب الفريق"."""
    first = phrase.split()[0] if phrase.split() else ""
    return _fold(first).startswith("ال") or _core(first) in TITLES or _core(first) in ROLE_NOUNS


def _apposed(para: str, start: int, end: int, speaker: list[str]) -> str:
    """The speaker after a verb; when a role is followed by a name between commas
    ("قال الناطق باسم الحكومة، سامي الأحمد، إن"), the name."""
    collected = _clean_speaker(speaker)
    parts = [p.strip() for p in re.split(r"[،,]", para[start:end])]
    if len(parts) < 2 or not _role_like(parts[0]):
        return collected
    name = parts[1].strip(" :")
    words = name.split()
    if line_key(name) in SOCIAL_KEYS:  # "على صفحته بموقع التواصل، تويتر:" is the medium
        return collected
    if not 1 <= len(words) <= 4 or any(_core(w) in _SPEAKER_STOPS for w in words):
        return collected
    if re.search(r"\d", name) or (
        _fold(words[0]).startswith("ال") and _core(words[0]) not in TITLES
    ):
        return collected
    return name


def _lead_subject(body: str, headline: str) -> str:
    """The subject of the story's first sentence ("فندت الوزارة في بيان …" → الوزارة): the
    speaker to fall back on for a quotation with no attribution before it."""
    lines = [line for line in body.split("\n") if line.strip()]
    if lines and headline and lines[0].strip() == headline.strip():
        lines = lines[1:]
    words = lines[0].split() if lines else []
    if len(words) < 3 or _core(words[0]) in _SPEAKER_STOPS or _fold(words[0]).startswith("ال"):
        return ""
    if not re.fullmatch(r"[\u0621-\u064a\u064b-\u065f]+", words[0]):
        return ""
    subject: list[str] = []
    if _adverb(words[1]):
        return ""
    for word in words[1 : 1 + _MAX_SPEAKER_WORDS]:
        if _core(word) in _SPEAKER_STOPS | COMPLEMENTIZERS | _TO_MEDIA:
            break
        subject.append(word)
        if word.endswith(("،", ",", ":", ".")):
            break
    return _clean_speaker(subject)


def _attributes_here(para: str, m: re.Match) -> bool:
    """Whether a verb match reports speech where it stands (see ALWAYS_ATTRIBUTING)."""
    if m.group("participle") or m.group("bayyana"):
        return True
    verb = m.group("verb")
    if verb and (m.group("suffix") == "وا" or _fold(verb) in ALWAYS_ATTRIBUTING):
        return True
    if m.group("prefix") or m.group("pprefix"):
        return True
    if m.group("present") and _fold(m.group("present"))[1:].startswith("قول"):
        return True  # في المقابل تقول واشنطن إن …
    before = para[: m.start()].rstrip()
    return not before or before[-1] in ".،,:؛;!؟?" + _CLOSING


def _relative(para: str, m: re.Match) -> bool:
    """ "وهو ما أكده الصحفيون": a relative clause narrates, it names no speaker to carry."""
    before = para[: m.start()].split()
    return bool(before) and _core(before[-1]) in {"ما", "مما", "حسبما", "وفقما"}


def _quotations(para: str) -> list[tuple[int, int]]:
    """The outermost quotations of a paragraph as (start, end) spans, marks included.

    A mark opens when a space (or the line start, a colon, a bracket) is before it and a
    letter after it, and closes the other way round; so a quotation nested in one with the
    same mark ("قال: "هذا "مهم" جدا"") stays inside it, and two quotations joined by a full
    stop with no space ("…".“…”) stay apart. A quotation left open at the end of the
    paragraph (a capture cut mid-quote) runs to its end.
    """
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for mark in _QUOTE_MARK_RE.finditer(para):  # the marks only, not every character
        i, ch = mark.start(), mark.group()
        before = para[i - 1] if i else " "
        after = para[i + 1] if i + 1 < len(para) else " "
        opens_here = before.isspace() or before in ":(،,[«“—-" or i == 0
        closes_here = after.isspace() or after in ".,،:؛;!?؟)]»”…-–" or i + 1 == len(para)
        if ch in _ALWAYS_OPEN:
            role = "open"
        elif ch in _ALWAYS_CLOSE:
            role = "close"
        elif opens_here and not closes_here:
            role = "open"
        elif closes_here and not opens_here:
            role = "close"
        else:
            role = "close" if stack else "open"
        if role == "open":
            stack.append(i)
        elif stack:
            start = stack.pop()
            if not stack:
                spans.append((start, i + 1))
    if stack:
        spans.append((stack[0], len(para)))
    return spans


def _after_title_noun(before: str) -> bool:
    """«…» right after صحيفة، برنامج، بعنوان، عنوانها، لـ: a title, not speech."""
    if before.endswith(("لـ", " ل")) or before == "ل":
        return True
    words = before.rsplit(maxsplit=1)
    if not words:
        return False
    core = _core(words[-1])
    return core in _TITLE_NOUNS or re.sub("(ها|ه|هم)$", "", core) in _TITLE_NOUNS


def _is_name(para: str, start: int, end: int) -> bool:
    """A quotation of one or two words not introduced by a colon names something (a
    channel, a programme, a hashtag) or is a scare term; it is not speech."""
    before = para[:start].rstrip()
    inner = para[start + 1 : end - 1] if para[end - 1] in _CLOSING else para[start + 1 : end]
    return _words(inner) <= 2 and not before.endswith(":") or _after_title_noun(before)


def _title_like(para: str, quote: tuple[int, int]) -> bool:
    """A quoted name inside the speaker phrase (وأضاف “الديب”): one or two words."""
    return len(para[quote[0] + 1 : quote[1] - 1].split()) <= 2


def _sentence_end(para: str, pos: int, quotes: list[tuple[int, int]]) -> int:
    for m in _SENTENCE_END_RE.finditer(para, pos):
        if not _inside(m.start(), quotes):
            return m.start()
    return len(para)


def _trim(para: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces, punctuation and a dangling conjunction from both ends of a passage."""
    while start < end and (para[start].isspace() or para[start] in "،,:؛;"):
        start += 1
    while True:
        while end > start and (para[end - 1].isspace() or para[end - 1] in "،,:؛;.-–"):
            end -= 1
        tail = para[start:end].rsplit(maxsplit=1)
        if len(tail) == 2 and _fold(tail[1]) in {"و", "ف", "فيما", "كما", "بينما", "حسبما"}:
            end = start + len(tail[0])
            continue
        break
    # A passage that is one quotation, marks and all, becomes the text inside the marks.
    marked = end - start >= 2 and para[start] in _OPENING and para[end - 1] in _CLOSING
    if marked and _quotations(para[start:end]) == [(0, end - start)]:
        start, end = start + 1, end - 1
        while start < end and para[start].isspace():
            start += 1
        while end > start and para[end - 1].isspace():
            end -= 1
    return start, end


def _words(text: str) -> int:
    return len(text.split())


def _named(speaker: str) -> bool:
    return bool(fold_speaker(speaker))


# --- The suggester -------------------------------------------------------------------------
def suggest_quotes(body: str, headline: str = "") -> list[Suggestion]:
    """Suggest quote passages with speakers, in text order, never overlapping.

    A first line equal to `headline` is skipped: a headline's "X: «…»" sums up a quote
    that the story gives in full."""
    out: list[Suggestion] = []
    # carried forward for anaphoric وأضاف / وتابع / participles and unattributed quotations
    lead = last_speaker = _lead_subject(body, headline)
    offset = 0
    for number, para in enumerate(body.split("\n")):
        if number == 0 and headline and para.strip() == headline.strip():
            offset += len(para) + 1
            continue
        if is_code(para):
            offset += len(para) + 1
            continue
        last_speaker = _suggest_in_paragraph(para, offset, last_speaker, out, lead)
        offset += len(para) + 1
    return out


def _suggest_in_paragraph(
    para: str, offset: int, last_speaker: str, out: list, lead: str = ""
) -> str:
    if not para.strip():
        return last_speaker
    quotes = _quotations(para)
    matches = [
        m
        for m in _VERB_RE.finditer(para)
        if not _inside(m.start(), quotes) and _attributes_here(para, m)
    ]
    covered: list[tuple[int, int]] = []

    def emit(start: int, end: int, speaker: str, rule: str, verb: str, carried: bool) -> None:
        start, end = _trim(para, start, end)
        if end <= start or not re.search(r"\w", para[start:end]):
            return
        if any(s < end and start < e for s, e in covered):
            return
        covered.append((start, end))
        explanation = _explain(rule, verb, speaker, carried, _MIN_BARE_QUOTE_WORDS)
        out.append(Suggestion(offset + start, offset + end, speaker, rule, explanation))

    for i, m in enumerate(matches):
        sentence_end = _sentence_end(para, m.end(), quotes)
        next_cue = matches[i + 1].start() if i + 1 < len(matches) else len(para)
        limit = min(sentence_end, next_cue)
        cue = _read_cue(para, m, quotes, limit)
        speaker, carried = cue.speaker, False
        if not _named(speaker) and m.group("suffix") == "وا":
            speaker = _subject_before(para, m.start())  # محللين قالوا إن …
        if not _named(speaker) and not (speaker and last_speaker in ("", lead)):
            speaker, carried = last_speaker, True  # وأضاف أن …: the speaker named before
        elif not _named(speaker):
            pass  # قال الوزير: a role named here beats the story's lead subject
        elif not _relative(para, m):
            last_speaker = speaker
        if cue.content_start is None:
            continue
        if cue.how == "colon" and not any(cue.content_start <= q[0] < limit for q in quotes):
            # وأوضح X: هناك الكثير …: speech after a colon without quotation marks.
            if _words(para[cue.content_start : limit]) >= _MIN_REPORTED_WORDS:
                emit(cue.content_start, limit, speaker, "verb_colon", cue.verb, carried)
            continue
        if cue.how in ("quote", "colon"):
            # Each quotation up to the next cue is a passage of this speaker.
            for s, e in quotes:
                if cue.content_start <= s + 1 and e <= next_cue:
                    if cue.describe and not (_words(para[s:e]) >= 2 or cue.speaker):
                        continue  # وُصفت بأنها “تاريخية”: a scare quote, nobody named
                    if not cue.describe and _is_name(para, s, e):
                        continue  # عبر شاشة «القناة»، لـ"الصحيفة": a name, not speech
                    rule = "describe_as" if cue.describe else f"verb_{cue.how}"
                    emit(s, e, speaker, rule, cue.verb, carried)
            continue
        if cue.describe:
            # ووصفها بوتين بأنها “وثيقة اختراق”: only the quotation right after بأنه counts;
            # وصف X بأنه أساسي (no quotation) is a characterisation, not a quote.
            rest = para[cue.content_start :]
            s = cue.content_start + len(rest) - len(rest.lstrip())
            quote = next(((qs, qe) for qs, qe in quotes if qs == s), None)
            if quote and (_words(para[quote[0] : quote[1]]) >= 2 or cue.speaker):
                emit(*quote, speaker, "describe_as", cue.verb, carried)
            continue
        start, end = cue.content_start, _clause_end(para, cue.content_start, limit, quotes)
        if _words(para[start:end]) < _MIN_REPORTED_WORDS:
            continue
        rule = "participle" if cue.how == "participle" else "verb_that"
        opening = start + len(para[start:end]) - len(para[start:end].lstrip())
        whole = next(((qs, qe) for qs, qe in quotes if qs == opening and qe >= end - 1), None)
        if whole:  # قال إن «…»: the speaker's own words, in marks
            rule = "verb_quote"
        emit(start, end, speaker, rule, cue.verb, carried)

    for s, e in quotes:
        if any(cs <= s and e <= ce for cs, ce in covered):
            continue
        text = para[s + 1 : e - 1]
        before = para[:s].rstrip()
        if _after_title_noun(before) or _is_name(para, s, e):
            continue
        after = _attribution_after(para, e)
        if after:
            verb, speaker = after
            carried = not _named(speaker)
            if carried:
                speaker = last_speaker
            else:
                last_speaker = speaker
            emit(s, e, speaker, "after_quote", verb, carried)
        elif before.endswith(":"):
            speaker = _said_in(before)
            emit(s, e, speaker, "colon_quote", ":", False)
        elif _words(text) >= _MIN_BARE_QUOTE_WORDS:
            emit(s, e, last_speaker, "quote_marks", "", bool(last_speaker))
    return last_speaker


def _clause_end(para: str, start: int, limit: int, quotes: list[tuple[int, int]]) -> int:
    """End reported speech where a quotation closes and a new و-clause begins.

    وقال بوتين إن الشراكة تشمل “التعاون الفني العسكري” وتعهد بدعم …: what follows the
    quotation is the writer's narration again.
    """
    for s, e in quotes:
        if start <= s and e <= limit and re.match(r"\s+و[^“«\"\s]", para[e:]):
            return e
    return limit


def _subject_before(para: str, pos: int) -> str:
    words = para[:pos].split()
    if words and _core(words[-1]) not in _SPEAKER_STOPS and not words[-1].endswith("،"):
        return words[-1]
    return ""


_AFTER_RE = re.compile(
    r"^[^.؟!“”«»\"]{0,30}?" + _LEFT + r"(?:حسبما|بحسب ما|كما|حسب ما)\s+(?P<verb>\S+)\s+"
    r"(?:عنه\s+)?(?P<speaker>[^،,.:؛\n]{2,60})"
)
# “…”، يقول د. محمد: the verb right after the quotation, its speaker after it.
_VERB_AFTER_RE = re.compile(r"^\s*[،,]\s*(?P<verb>\S+)\s+(?P<speaker>[^،,:؛\n“”«»\"]{2,60})")
# “…”، على حد قول المحامي X / وفقاً للوزارة: a speaker named without a verb.
_ACCORDING_RE = re.compile(
    r"^[^.؟!“”«»\"]{0,30}?" + _LEFT + r"(?P<verb>على حد (?:قول|تعبير)|وفقا ل|وفقاً ل|بحسب)\s*"
    r"(?P<speaker>[^،,.:؛\n“”«»\"]{2,60})"
)
_SAID_IN_RE = re.compile(r"جاء في\s+(?P<speaker>[^،,.:؛\n]{2,40}):$")


def _attribution_after(para: str, end: int) -> tuple[str, str] | None:
    """`“…” للمرة الأولى، حسبما أكد الخبير` or `“…”، بحسب ما أعرب عنه الرئيس`."""
    m = _AFTER_RE.match(para[end:]) or _VERB_AFTER_RE.match(para[end:])
    if m and not _VERB_RE.fullmatch(m.group("verb")):
        m = None
    m = m or _ACCORDING_RE.match(para[end:])
    if not m:
        return None
    words: list[str] = []
    for w in m.group("speaker").split():
        if _core(w) in _SPEAKER_STOPS or len(words) >= _MAX_SPEAKER_WORDS:
            break
        words.append(w)
        if w.endswith(".") and len(w.strip(".")) > 2:
            break  # a full stop ends the sentence; "د." is an abbreviation
    return m.group("verb"), " ".join(words).rstrip(".")


def _said_in(before: str) -> str:
    m = _SAID_IN_RE.search(before)
    return m.group("speaker").strip() if m else ""


# --- Speakers ------------------------------------------------------------------------------
# Titles and roles dropped when grouping speakers; the name is what identifies a person.
TITLES = _folded(
    "الرئيس رئيس الزعيم زعيم الدكتور د. السيد السيدة الأستاذ الأمين العام وزير الوزير "
    "المتحدث باسم الشيخ الملك الأمير المستشار السفير الجنرال"
)
# Foreign-name spellings that vary between outlets: g/gh written غ, ج or ق; "ee" as يي/ي.
_NAME_FOLD = str.maketrans({"غ": "ج", "ق": "ج", "ك": "ك", "ث": "ت", "ذ": "د", "ظ": "ض"})


_DOUBLED_LETTER_RE = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=4096)  # a speaker's words come back in every suggestion
def _fold_token(token: str) -> str:
    token = token.strip(_EDGE_PUNCT + "-–")
    if token.startswith("ال") and len(token) > 4:
        token = token[2:]
    token = token.translate(_NAME_FOLD)
    token = _DOUBLED_LETTER_RE.sub(r"\1", token)  # doubled letters: إيسلي / إيسيلي
    token = token.replace("يي", "ي").replace("وو", "و")
    return token


_FOLDED_TITLES = frozenset(_fold_token(t) for t in TITLES)


def fold_speaker(name: str) -> str:
    """A key that groups spellings of one speaker (كيم جونغ أون / كيم جونج أون).

    Folds the Arabic letters (alef forms, ى, ة, harakat, tatweel), drops titles such as
    الرئيس / الدكتور and the article ال, and unifies the letters foreign names are spelt with
    (غ/ج/ق for g, ث/ت, ذ/د). Returns the folded words joined by a space ("" if only titles).
    """
    tokens = []
    for raw in _fold(name).replace("-", " ").split():
        token = _fold_token(raw)
        if raw in TITLES or token in _FOLDED_TITLES:
            continue
        if token:
            tokens.append(token)
    return " ".join(tokens)


def speakers_match(suggested: str, name: str, aliases: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether a suggested speaker names the same person as `name`.

    After fold_speaker: the suggestion may be part of the name (بوتين for فلاديمير بوتين) or
    contain it (الرئيس الروسي فلاديمير بوتين); an alias — a description the article itself uses
    for that speaker, such as الوزارة — must be contained whole in the suggestion.
    """
    got = set(fold_speaker(suggested).split())
    if not got:
        return False
    want = set(fold_speaker(name).split())
    if want and (want <= got or got <= want):
        return True
    return any((a := set(fold_speaker(alias).split())) and a <= got for alias in aliases)
