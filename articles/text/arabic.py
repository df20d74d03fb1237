"""Arabic text folding for search: the same word written many ways becomes one key.

Pure functions, no Django. Used only for the search index and the query, never for the
stored article text (tag offsets point into that, so it is never rewritten).

Two folds, mirrored exactly by the SQL functions `newsdesk_fold_light` and
`newsdesk_fold_full` (created in migrations 0007_search and 0008_faster_folds;
`tests/test_search_arabic.py` proves Python and PostgreSQL agree):

`fold_light` (fed to PostgreSQL's `arabic` stemmer):
  * removes tashkeel (U+064B–U+065F), the superscript alef (U+0670), Quranic marks
    (U+06D6–U+06ED, combining only), tatweel (U+0640), and invisible characters
    (zero-width space/joiners, LRM/RLM/ALM, bidi embeddings and isolates, BOM, soft hyphen);
  * maps alef wasla ٱ to ا (the stemmer does not know it);
  * maps Arabic-Indic ٠–٩ and Eastern Arabic-Indic ۰–۹ digits to 0–9;
  * lower-cases ASCII A–Z (PostgreSQL lower-cases everything else when it builds the vector).
`fold_full` (fed to the `simple`, exact-word configuration) does all of that and also:
  * maps the hamza alef forms أ إ آ to ا;
  * ى → ي (alef maqsura), ة → ه (ta marbuta);
  * ؤ and ئ → ء, so مسؤول and مسئول are one word;
  * Persian ی → ي and ک → ك (common in copied web text).
The stemmer column keeps أ إ آ, ة, ى and the hamza seats because the `arabic` stemmer
normalises them itself, after it has stripped prefixes: it strips the و of وأكد but not
of واكد (measured: with أ folded first, "اكد" no longer finds وأكد), and it strips
ة-suffixes but not ه (folding ة first halves the recall of امريكا).

Both folds only delete characters or replace one character by one character, so
`fold_*(text)` is never longer than `text`, and `folded_with_offsets` can map every
character of the folded text back to its place in the original (for highlighting).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice, product

ALEF = "ا"

# Removed by both folds.
TASHKEEL = [chr(cp) for cp in range(0x064B, 0x0660)] + ["\u0670"]
QURANIC_MARKS = [
    chr(cp) for cp in range(0x06D6, 0x06EE) if cp not in (0x06DD, 0x06DE, 0x06E5, 0x06E6, 0x06E9)
]
TATWEEL = "\u0640"
INVISIBLES = (
    [chr(cp) for cp in range(0x200B, 0x2010)]  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    + [chr(cp) for cp in range(0x202A, 0x202F)]  # bidi embeddings and overrides
    + [chr(cp) for cp in range(0x2066, 0x206A)]  # bidi isolates
    + ["\u061c", "\ufeff", "\u00ad"]  # Arabic letter mark, BOM, soft hyphen
)
REMOVED = "".join(TASHKEEL + QURANIC_MARKS + [TATWEEL] + INVISIBLES)

# One character for one character, in both folds.
LIGHT_MAP = (
    {"ٱ": ALEF}
    | {chr(0x0660 + d): str(d) for d in range(10)}
    | {chr(0x06F0 + d): str(d) for d in range(10)}
    | {chr(cp): chr(cp + 32) for cp in range(ord("A"), ord("Z") + 1)}
)
# One character for one character, in the full fold only.
FULL_EXTRA_MAP = {
    "أ": ALEF,
    "إ": ALEF,
    "آ": ALEF,
    "ى": "ي",
    "ة": "ه",
    "ؤ": "ء",
    "ئ": "ء",
    "ی": "ي",
    "ک": "ك",
}

_LIGHT_TABLE = str.maketrans(LIGHT_MAP | dict.fromkeys(REMOVED))
_FULL_TABLE = str.maketrans(LIGHT_MAP | FULL_EXTRA_MAP | dict.fromkeys(REMOVED))
_REMOVED_SET = frozenset(REMOVED)


def fold_light(text: str) -> str:
    """Drop marks, tatweel and invisibles; unify alef forms, digits and ASCII case."""
    return text.translate(_LIGHT_TABLE)


def fold_full(text: str) -> str:
    """`fold_light` plus ى→ي, ة→ه, ؤ/ئ→ء: the key for exact-word matching."""
    return text.translate(_FULL_TABLE)


def fold_arabic(text: str) -> str:
    """NFKC (presentation forms from PDF copies), then `fold_full`, so quote suggestions,
    claim similarity, speakers and search agree on what counts as the same word."""
    return fold_full(unicodedata.normalize("NFKC", text))


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold_full(text)` and, for each of its characters, its index in `text`.

    The list has one extra entry, `len(text)`, so a folded span `[i, j)` maps to the
    original span `[offsets[i], offsets[j])`, which includes any marks that follow the
    last letter.
    """
    offsets = [i for i, char in enumerate(text) if char not in _REMOVED_SET]
    folded = "".join(text[i] for i in offsets).translate(_FULL_TABLE)
    offsets.append(len(text))
    return folded, offsets


WORD_RE = re.compile(r"\w+")
# Proclitics written joined to the word: conjunction, prepositions, the article.
_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
# Suffixes whose presence the stemmer ignores; dropped from the query key for highlighting.
_SUFFIXES = ("ات", "ين", "ون", "يه", "ه")


def word_key(word: str) -> str:
    """A rough match key for highlighting: fully folded, proclitics and plural/feminine
    endings removed, but never shorter than three letters."""
    word = fold_full(word)
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word


def strip_proclitic(folded_word: str) -> str:
    """The word without one leading proclitic (if at least three letters remain)."""
    for prefix in _PROCLITICS:
        if folded_word.startswith(prefix) and len(folded_word) - len(prefix) >= 3:
            return folded_word[len(prefix) :]
    return folded_word


ZERO_WIDTH_JOINER = "\u200d"


def is_grapheme_boundary(text: str, index: int) -> bool:
    """Whether a tag may start or end at `index` without splitting what a reader sees as
    one character: a letter from its haraka (or any combining mark), or the two sides of a
    zero-width joiner. The browser snaps selections the same way (Intl.Segmenter)."""
    if index <= 0 or index >= len(text):
        return True
    if unicodedata.category(text[index]) in ("Mn", "Mc", "Me"):
        return False
    return ZERO_WIDTH_JOINER not in (text[index], text[index - 1])


# Where writers vary a letter the full fold merges: the search stemmer does not treat the
# spellings alike (it stems المدينة to مدين but المدينه to مدينه, and keeps و on واكد
# but not on وأكد), so a query word is matched in every spelling that folds like it.
_SPELLINGS_ANYWHERE = {"ء": "ءؤئ"}
_SPELLINGS_FIRST = {ALEF: "اأإآ"}
_SPELLINGS_LAST = {"ه": "هة", "ي": "يى"}
MAX_SPELLINGS = 8  # of the bare word; each is also tried with every proclitic


def spellings(word: str) -> list[str]:
    """Every common spelling of `word` that folds to the same key, without and with each
    joined proclitic. Two words with one fold (أكد and اكد, مدينة and مدينه, مسؤول and
    والمسؤول) give the same list, so they find the same things."""
    bare = strip_proclitic(fold_full(word))
    last = len(bare) - 1
    choices = [
        _SPELLINGS_ANYWHERE.get(char)
        or (i == 0 and _SPELLINGS_FIRST.get(char))
        or (i == last and _SPELLINGS_LAST.get(char))
        or char
        for i, char in enumerate(bare)
    ]
    forms = ["".join(letters) for letters in islice(product(*choices), MAX_SPELLINGS)]
    return sorted({prefix + form for form in forms for prefix in ("", *_PROCLITICS)})
