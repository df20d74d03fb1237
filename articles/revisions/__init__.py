"""Versions of an article's text: corrections, re-cleaning, newer versions of a story.

`apply_new_body(article, new_body, user, reason)` is the one entry point that changes a body;
see versions.py. diffs.py draws the difference between two versions for a reader.
"""

from articles.revisions.versions import StaleBody, apply_new_body, replace_orphan

__all__ = ["StaleBody", "apply_new_body", "replace_orphan"]
