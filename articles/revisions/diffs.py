"""The difference between two versions of an article's text, line by line, for reading.

`diff-match-patch` with its semantic clean-up (whole words and phrases rather than scattered
letters), split into the text's lines so each shows in its own right-to-left paragraph;
unchanged lines far from any change fold into one "…" gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

EQUAL, DELETED, INSERTED = 0, -1, 1
CONTEXT_LINES = 1  # unchanged lines shown around each change


@dataclass
class DiffLine:
    pieces: list[tuple[int, str]] = field(default_factory=list)  # (operation, text)

    @property
    def changed(self) -> bool:
        return any(op != EQUAL and text.strip() for op, text in self.pieces)


@dataclass(frozen=True)
class Gap:
    lines: int


@dataclass(frozen=True)
class Summary:
    deleted_chars: int
    inserted_chars: int


def diff_lines(old: str, new: str) -> tuple[list[DiffLine | Gap], Summary]:
    matcher = diff_match_patch()
    matcher.Diff_Timeout = 2.0
    diffs = matcher.diff_main(old, new)
    matcher.diff_cleanupSemantic(diffs)
    lines = [DiffLine()]
    for op, text in diffs:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(DiffLine())
            if part:
                lines[-1].pieces.append((op, part))
    lines = [line for line in lines if line.pieces]
    summary = Summary(
        deleted_chars=sum(len(t) for op, t in diffs if op == DELETED),
        inserted_chars=sum(len(t) for op, t in diffs if op == INSERTED),
    )
    return _fold_unchanged(lines), summary


def _fold_unchanged(lines: list[DiffLine]) -> list[DiffLine | Gap]:
    changed = [i for i, line in enumerate(lines) if line.changed]
    shown = {j for i in changed for j in range(i - CONTEXT_LINES, i + CONTEXT_LINES + 1)}
    out: list[DiffLine | Gap] = []
    hidden = 0
    for i, line in enumerate(lines):
        if i in shown:
            if hidden:
                out.append(Gap(hidden))
                hidden = 0
            out.append(line)
        else:
            hidden += 1
    if hidden:
        out.append(Gap(hidden))
    return out
