"""The tag kinds: slug, Arabic label, colour and keyboard key, in one table.

Adding a fourth kind is one line here plus `makemigrations` (the database check
constraint and the choices are derived from this table; so is the CSS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class TagKind:
    slug: str
    label: StrOrPromise
    colour: str  # highlight background; light enough for dark text on top
    dark_colour: str  # the same in dark mode: dark enough for light text on top
    key: str  # the digit that picks this kind in the tagging toolbar


KINDS: tuple[TagKind, ...] = (
    TagKind("claim", _("ادعاء"), "#ffd59e", "#6b4410", "1"),
    TagKind("quote", _("اقتباس"), "#b8e0ff", "#1f4f78", "2"),
    TagKind("background", _("خلفية"), "#c9f0c1", "#2d5a27", "3"),
)

KIND_CHOICES = [(kind.slug, kind.label) for kind in KINDS]
KIND_SLUGS = [kind.slug for kind in KINDS]
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}
