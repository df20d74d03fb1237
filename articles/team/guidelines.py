"""Tagging guidelines written in the tool: Markdown, versioned, rendered safely.

Admins write Markdown; it is rendered by Python-Markdown and the HTML is then cleaned by
nh3 (the Rust `ammonia` sanitiser) to its allow-list of tags and attributes, so neither raw
HTML in the Markdown nor a `javascript:` link survives. Saving never edits a version: it
writes the next one, so an agreement report can name the version that was in force.
"""

from __future__ import annotations

import markdown
import nh3
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.safestring import SafeString, mark_safe

from articles.models import Guideline

GENERAL = "general"  # the URL slug of the general page (stored as kind "")
EXTENSIONS = ["tables", "sane_lists"]
# nh3's own allow-list without images: a guideline page has no business loading a remote
# picture (a tracking pixel, or an <img> an attacker placed through the Markdown).
TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}


def render(body: str) -> SafeString:
    html = markdown.markdown(body, extensions=EXTENSIONS, output_format="html")
    return mark_safe(nh3.clean(html, tags=TAGS, url_schemes={"http", "https", "mailto"}))


def current(kind: str, version: int | None = None) -> Guideline | None:
    """The newest version of a kind's page, or the one asked for."""
    versions = Guideline.objects.filter(kind=kind).select_related("created_by")
    if version is not None:
        return versions.filter(version=version).first()
    return versions.order_by("-version").first()


def save_version(*, kind: str, body: str, user) -> Guideline:
    """Write the next version; two Admins saving at once both keep their text."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = Guideline.objects.filter(kind=kind).aggregate(n=Max("version"))["n"]
                return Guideline.objects.create(
                    kind=kind, version=(latest or 0) + 1, body=body, created_by=user
                )
        except IntegrityError:
            continue  # someone took that number first: take the next one
    raise IntegrityError("could not number the new guideline version")
