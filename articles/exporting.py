"""Exports of tag sets: CSV (streamed by PostgreSQL COPY), XLSX, JSON Lines, Web Annotations.

Every export streams: the CSV straight from `COPY (SELECT …) TO STDOUT` in one query,
the other formats from a server-side cursor read in chunks (`.iterator(chunk_size)`), so
neither memory nor the number of queries grows with the number of rows.
The columns and the spreadsheet-formula neutralisation are documented in
docs/export-format.md; tests/test_export_csv.py pins them.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

import xlsxwriter
from django.db import connections
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from articles.models import FrozenRow, Tag, TagSet

FORMATS = {
    # name: (label, file extension, content type)
    "csv": (_("CSV لإكسل (UTF-8 مع BOM)"), "csv", "text/csv; charset=utf-8"),
    "csv-plain": (_("CSV بترميز UTF-8 دون BOM"), "csv", "text/csv; charset=utf-8"),
    "xlsx": (
        _("جدول XLSX"),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "jsonl": (_("JSON Lines"), "jsonl", "application/x-ndjson; charset=utf-8"),
    "jsonld": (
        _("تعليقات W3C ‏(JSON-LD)"),
        "jsonld",
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    ),
}

COLUMNS = (
    "tag_id",
    "kind",
    "passage",
    "start",
    "end",
    "context_before",
    "context_after",
    "speaker",
    "note",
    "article_id",
    "title",
    "source",
    "published_on",
    "article_url",
    "editor",
    "created_at",
    "updated_at",
    "review_state",
    "reviewer",
    "reviewed_at",
    "review_comment",
    # Claims: empty on quotes and background.
    "check_worthy",
    "verification",
    "evidence",
    "claim_group_id",
    "claim_group_label",
    # The version of the article's text that start/end/passage/context point into.
    "body_version",
)

# A cell starting with one of these is run as a formula by some spreadsheet (OWASP:
# = + - @ tab CR LF; plus their full-width forms). A leading apostrophe is escaped too,
# so that undoing the neutralisation ("drop one leading apostrophe") is exact.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
NEUTRALISER = "'"

BOM = "\ufeff".encode()
CHUNK_BYTES = 256 * 1024
ROWS_PER_FETCH = 5000
XLSX_MAX_ROWS = 1_048_575  # the sheet's limit, after the header row


def neutralise(value: str) -> str:
    """The CSV cell for a text value: an apostrophe in front of a formula trigger (or of
    an apostrophe). Mirrors `_neutralise_sql`."""
    if value[:1] in FORMULA_TRIGGERS or value[:1] == NEUTRALISER:
        return NEUTRALISER + value
    return value


def recover(cell: str) -> str:
    """Undo `neutralise`: the exact text of a CSV text cell."""
    return cell[1:] if cell[:1] == NEUTRALISER else cell


def _sql_chars(chars: Iterable[str]) -> str:
    # chr() for control characters keeps the SQL free of escapes and of "%".
    return ", ".join(
        f"chr({ord(char)})" if ord(char) < 32 else "'" + char.replace("'", "''") + "'"
        for char in chars
    )


_TRIGGERS_SQL = _sql_chars((*FORMULA_TRIGGERS, NEUTRALISER))


def _neutralise_sql(expression) -> Func:
    """SQL twin of `neutralise`, NULL becoming ''. Takes an expression without params
    (the template repeats it)."""
    return Func(
        expression,
        template=(
            "CASE WHEN left(%(expressions)s, 1) IN ("
            + _TRIGGERS_SQL
            + ") THEN '''' || %(expressions)s ELSE COALESCE(%(expressions)s, '') END"
        ),
        output_field=TextField(),
    )


def _iso_sql(expression) -> Func:
    """ISO 8601 in UTC with explicit offset, as Python's `isoformat` writes it."""
    return Func(
        expression,
        template=(
            "COALESCE(to_char(%(expressions)s AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), '')"
        ),
        output_field=TextField(),
    )


def _text(expression) -> Func:
    return Func(
        expression, template="COALESCE(%(expressions)s::text, '')", output_field=TextField()
    )


def _copy_queryset(queryset: QuerySet[Tag], article_url_base: str) -> QuerySet:
    """The CSV rows as text columns, in COLUMNS order, for `COPY … TO STDOUT`."""
    columns = {
        "tag_id": _text(F("id")),
        "kind": F("kind"),
        "passage": _neutralise_sql(F("exact")),
        "start": _text(F("start")),
        "end": _text(F("end")),
        "context_before": _neutralise_sql(F("prefix")),
        "context_after": _neutralise_sql(F("suffix")),
        "speaker": _neutralise_sql(F("speaker")),
        "note": _neutralise_sql(F("note")),
        "article_id": _text(F("article_id")),
        "title": _neutralise_sql(F("article__title")),
        "source": _neutralise_sql(F("article__source__name")),
        "published_on": _text(F("article__published_on")),
        "article_url": Concat(
            Value(article_url_base, output_field=TextField()),
            Cast("article_id", TextField()),
            Value("/", output_field=TextField()),
            output_field=TextField(),
        ),
        "editor": _neutralise_sql(F("created_by__username")),
        "created_at": _iso_sql(F("created_at")),
        "updated_at": _iso_sql(F("updated_at")),
        "review_state": F("review_state"),
        "reviewer": _neutralise_sql(F("reviewed_by__username")),
        "reviewed_at": _iso_sql(F("reviewed_at")),
        "review_comment": _neutralise_sql(F("review_comment")),
        "check_worthy": F("check_worthy"),
        "verification": F("verification"),
        "evidence": _neutralise_sql(F("evidence")),
        "claim_group_id": _text(F("claim_group_id")),
        "claim_group_label": _neutralise_sql(F("claim_group__label")),
        "body_version": _text(F("body_version")),
    }
    aliases = {f"x_{name}": expression for name, expression in columns.items()}
    return queryset.order_by("id").annotate(**aliases).values_list(*aliases)


def buffered(pieces: Iterable[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Join small pieces (COPY sends one message per row) into chunks of `size` bytes,
    the last one shorter."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


def csv_header() -> bytes:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(COLUMNS)
    return out.getvalue().encode()


def csv_chunks(queryset: QuerySet[Tag], *, article_url_base: str, bom: bool = True):
    """The CSV file as byte chunks: optional BOM, header, then PostgreSQL's CSV output
    with every field quoted. One query, whatever the number of rows."""
    sql, params = _copy_queryset(queryset, article_url_base).query.sql_with_params()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)"
    # Chosen now, while the view decides (a read replica for exports), not when streaming.
    database = connections[queryset.db]

    def generate() -> Iterator[bytes]:
        yield (BOM if bom else b"") + csv_header()
        with database.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
            yield from buffered(bytes(block) for block in copy)

    return generate()


# --- The same rows as Python values, for the other formats. ---

_VALUE_FIELDS = (
    "id",
    "kind",
    "exact",
    "start",
    "end",
    "prefix",
    "suffix",
    "speaker",
    "note",
    "article_id",
    "article__title",
    "article__source__name",
    "article__published_on",
    "created_by__username",
    "created_at",
    "updated_at",
    "review_state",
    "reviewed_by__username",
    "reviewed_at",
    "review_comment",
    "check_worthy",
    "verification",
    "evidence",
    "claim_group_id",
    "claim_group__label",
    "body_version",
)


def _iso(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value.isoformat()


def rows(queryset: QuerySet[Tag], *, article_url_base: str) -> Iterator[dict]:
    """One dict per tag, keys in COLUMNS order, exact text (no neutralisation)."""
    values = queryset.order_by("id").values_list(*_VALUE_FIELDS)
    for (
        tag_id,
        kind,
        exact,
        start,
        end,
        prefix,
        suffix,
        speaker,
        note,
        article_id,
        title,
        source,
        published_on,
        editor,
        created_at,
        updated_at,
        review_state,
        reviewer,
        reviewed_at,
        review_comment,
        check_worthy,
        verification,
        evidence,
        claim_group_id,
        claim_group_label,
        body_version,
    ) in values.iterator(chunk_size=ROWS_PER_FETCH):
        yield {
            "tag_id": tag_id,
            "kind": kind,
            "passage": exact,
            "start": start,
            "end": end,
            "context_before": prefix,
            "context_after": suffix,
            "speaker": speaker,
            "note": note,
            "article_id": article_id,
            "title": title,
            "source": source or "",
            "published_on": _iso(published_on),
            "article_url": f"{article_url_base}{article_id}/",
            "editor": editor,
            "created_at": _iso(created_at),
            "updated_at": _iso(updated_at),
            "review_state": review_state,
            "reviewer": reviewer or "",
            "reviewed_at": _iso(reviewed_at),
            "review_comment": review_comment,
            "check_worthy": check_worthy,
            "verification": verification,
            "evidence": evidence,
            "claim_group_id": claim_group_id,
            "claim_group_label": claim_group_label or "",
            "body_version": body_version,
        }


def jsonl_chunks(records: Iterable[dict]) -> Iterator[bytes]:
    """JSON Lines: one object per tag, the exact text, nothing neutralised."""
    lines = ((json.dumps(row, ensure_ascii=False) + "\n").encode() for row in records)
    return buffered(lines)


ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def annotation(row: dict) -> dict:
    """A W3C Web Annotation for one tag. Positions count Unicode code points, which is
    what TextPositionSelector specifies and what `start`/`end` hold."""
    bodies = [{"type": "TextualBody", "purpose": "classifying", "value": row["kind"]}]
    if row["speaker"]:
        bodies.append({"type": "TextualBody", "purpose": "identifying", "value": row["speaker"]})
    if row["note"]:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": row["note"]})
    assessment = {"type": "TextualBody", "purpose": "assessing", "value": row["review_state"]}
    if row["review_comment"]:
        assessment["value"] = f"{row['review_state']}: {row['review_comment']}"
    bodies.append(assessment)
    if row["verification"]:
        # Claim status: what the newsroom concluded, and on what evidence.
        verdict = f"verification: {row['verification']}"
        if row["check_worthy"]:
            verdict += f"; check-worthy: {row['check_worthy']}"
        bodies.append({"type": "TextualBody", "purpose": "assessing", "value": verdict})
    if row["evidence"]:
        bodies.append({"type": "TextualBody", "purpose": "describing", "value": row["evidence"]})
    if row["claim_group_id"]:
        # The same claim in other articles: the group page, labelled.
        site = row["article_url"].rsplit("/articles/", 1)[0]
        bodies.append(
            {
                "id": f"{site}/claims/{row['claim_group_id']}/",
                "type": "TextualBody",
                "purpose": "linking",
                "value": row["claim_group_label"],
            }
        )
    return {
        "id": f"{row['article_url']}#tag-{row['tag_id']}",
        "type": "Annotation",
        "motivation": "classifying",
        "created": row["created_at"],
        "modified": row["updated_at"],
        "creator": {"type": "Person", "nickname": row["editor"]},
        "body": bodies,
        "target": {
            "source": row["article_url"],
            # The text the selectors count in: this version of the article's body.
            "state": {"id": f"{row['article_url']}revisions/{row['body_version']}/text/"},
            "selector": [
                {"type": "TextPositionSelector", "start": row["start"], "end": row["end"]},
                {
                    "type": "TextQuoteSelector",
                    "exact": row["passage"],
                    "prefix": row["context_before"],
                    "suffix": row["context_after"],
                },
            ],
        },
    }


def jsonld_chunks(records: Iterable[dict], *, label: str, collection_id: str) -> Iterator[bytes]:
    """An AnnotationCollection whose first page holds every annotation, written piece by
    piece so the array is never built in memory."""
    head = {
        "@context": ANNOTATION_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
    }

    def pieces() -> Iterator[bytes]:
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        yield (
            opening + ', "first": {"type": "AnnotationPage", "startIndex": 0, "items": [\n'
        ).encode()
        separator = ""
        for row in records:
            yield (separator + json.dumps(annotation(row), ensure_ascii=False)).encode()
            separator = ",\n"
        yield b"\n]}}\n"

    return buffered(pieces())


def xlsx_file(records: Iterable[dict]):
    """An .xlsx in a temporary file (a zip cannot be streamed while written): sheet read
    right to left, every cell written with `write_string`, so nothing becomes a formula,
    a number or a link. XlsxWriter's constant-memory mode keeps memory flat."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet("tags")
    sheet.right_to_left()
    header = workbook.add_format({"bold": True})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, header)
    for number, row in enumerate(records, start=1):
        if number > XLSX_MAX_ROWS:
            break
        for col, name in enumerate(COLUMNS):
            value = row[name]
            sheet.write_string(number, col, "" if value is None else str(value))
    workbook.close()
    handle.seek(0)
    return handle


def file_chunks(handle, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """A written file (an XLSX) read back in pieces of `size`, then closed."""
    with handle:
        while piece := handle.read(size):
            yield piece


# Built in the background above PREPARED_EXPORT_MIN_ROWS tags: the formats that can't
# stream (XLSX) or stream slowly (every annotation is a JSON object built in Python). CSV
# comes from COPY and JSON Lines streams at once, so they always download directly.
PREPARED_FORMATS = ("xlsx", "jsonld")


def export_records(
    tags: QuerySet[Tag], *, frozen: TagSet | None, article_url_base: str
) -> Iterator[dict]:
    """The rows of an export: a frozen set's stored rows, or the tags as they are now."""
    if frozen is not None:
        return frozen_rows(frozen, article_url_base=article_url_base)
    return rows(tags, article_url_base=article_url_base)


def export_file(
    fmt: str,
    tags: QuerySet[Tag],
    records: Iterable[dict],
    *,
    frozen: bool,
    article_url_base: str,
    label: str,
    collection_id: str,
):
    """The export in format `fmt`: an open temporary file for XLSX (a zip is written
    whole), byte chunks for the others. The direct download and the prepared export both
    write their files here, so the two are the same file."""
    if fmt == "xlsx":
        return xlsx_file(records)
    if fmt in ("csv", "csv-plain") and frozen:
        return csv_chunks_from_rows(records, bom=fmt == "csv")
    if fmt in ("csv", "csv-plain"):
        return csv_chunks(tags, article_url_base=article_url_base, bom=fmt == "csv")
    if fmt == "jsonl":
        return jsonl_chunks(records)
    return jsonld_chunks(records, label=label, collection_id=collection_id)


# --- Frozen sets: the rows stored when the set was frozen. ---


def store_frozen_rows(tagset: TagSet, queryset: QuerySet[Tag]) -> None:
    """Keep the export rows of `queryset` as the frozen set's rows (call it in the
    transaction that freezes the set)."""
    stored = (
        FrozenRow(
            tagset=tagset,
            tag_id=row["tag_id"],
            row={name: value for name, value in row.items() if name != "article_url"},
        )
        for row in rows(queryset, article_url_base="")
    )
    FrozenRow.objects.bulk_create(stored, batch_size=ROWS_PER_FETCH)


def frozen_rows(tagset: TagSet, *, article_url_base: str) -> Iterator[dict]:
    """The frozen set's rows as `rows` gives them, whatever happened to its tags since."""
    stored = (
        FrozenRow.objects.filter(tagset=tagset)
        .order_by("tag_id")
        .values_list("row", flat=True)
        .iterator(chunk_size=ROWS_PER_FETCH)
    )
    for row in stored:
        row["article_url"] = f"{article_url_base}{row['article_id']}/"
        yield {name: row[name] for name in COLUMNS}


def csv_chunks_from_rows(records: Iterable[dict], *, bom: bool = True) -> Iterator[bytes]:
    """The CSV of `csv_chunks`, written from rows: every field quoted, text neutralised."""

    def lines() -> Iterator[bytes]:
        yield (BOM if bom else b"") + csv_header()
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for row in records:
            # Every text cell is neutralised: codes, dates and URLs never start with a
            # trigger, so they come out as they are, as from `_copy_queryset`.
            writer.writerow(
                ""
                if row[name] is None
                else neutralise(row[name])
                if isinstance(row[name], str)
                else row[name]
                for name in COLUMNS
            )
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()

    return buffered(lines())


def snapshot_sets_without_rows(connection) -> None:
    """Rows for sets frozen before frozen sets kept their rows, built by today's export code.

    Called from migrations. Today's code reads today's columns, so while an older schema is
    being upgraded (a later migration has not yet added a column the code reads) it waits:
    the last migration that calls it finds every column in place."""
    from articles.models import Article, TagSet

    with connection.cursor() as cursor:
        for model in (Tag, Article, TagSet):
            table = connection.introspection.get_table_description(cursor, model._meta.db_table)
            present = {column.name for column in table}
            if any(field.column not in present for field in model._meta.concrete_fields):
                return
    waiting = TagSet.objects.filter(frozen=True, frozen_rows__isnull=True).only(
        "pk", "frozen", "filters"
    )
    for tagset in waiting:
        store_frozen_rows(tagset, tagset.current_tags())
