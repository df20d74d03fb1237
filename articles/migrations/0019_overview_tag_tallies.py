"""The overview's figures kept by the database (see `TagTally`): statement-level triggers
on the tag table count each write's rows per group from its transition tables, a row
trigger moves an article's tags when its source changes, and the table starts from a
full count of the tags already there."""

from django.db import migrations, models


def tally_select(rows: str, sign: int) -> str:
    """Signed counts per group of the final-layer tags in `rows` (a table or a query)."""
    return f"""
    SELECT g.dimension, g.key, g.label, {sign} * count(*)
    FROM {rows} t
    LEFT JOIN articles_article a ON a.id = t.article_id
    CROSS JOIN LATERAL (VALUES
        ('kind', t.kind, ''),
        ('review', t.review_state, ''),
        ('editor', t.created_by_id::text, ''),
        ('source', coalesce(a.source_id::text, ''), ''),
        (CASE WHEN t.kind = 'quote' AND t.speaker_key <> '' THEN 'speaker' END,
         t.speaker_key, t.speaker),
        ('hour', to_char(date_trunc('hour', t.created_at AT TIME ZONE 'UTC'),
                         'YYYY-MM-DD"T"HH24:00:00+00:00'), '')
    ) AS g (dimension, key, label)
    WHERE t.annotator_id IS NULL AND g.dimension IS NOT NULL
    GROUP BY g.dimension, g.key, g.label
    """


# An edit that touches none of the counted columns (a note, a verification) adds nothing.
COUNTED = (
    "kind, review_state, created_by_id, article_id, speaker_key, speaker, created_at, annotator_id"
)
CHANGED_OLD = f"""(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE ({", ".join("o." + c.strip() for c in COUNTED.split(","))})
    IS DISTINCT FROM ({", ".join("n." + c.strip() for c in COUNTED.split(","))}))"""
CHANGED_NEW = CHANGED_OLD.replace("SELECT o.*", "SELECT n.*")

INSERT = "INSERT INTO articles_tagtally (dimension, key, label, n)"

CREATE_TRIGGERS = f"""
CREATE FUNCTION articles_tag_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {INSERT} {tally_select("new_rows", 1)};
    RETURN NULL;
END $$;

CREATE FUNCTION articles_tag_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {INSERT} {tally_select("old_rows", -1)};
    RETURN NULL;
END $$;

CREATE FUNCTION articles_tag_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {INSERT} {tally_select(CHANGED_OLD, -1)} UNION ALL {tally_select(CHANGED_NEW, 1)};
    RETURN NULL;
END $$;

CREATE FUNCTION articles_tag_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM articles_tagtally;
    RETURN NULL;
END $$;

-- An article moved to another source takes its tags' count with it.
CREATE FUNCTION articles_tag_tally_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {INSERT}
    SELECT 'source', coalesce(s.source_id::text, ''), '', s.sign * count(*)
    FROM (VALUES (OLD.source_id, -1), (NEW.source_id, 1)) AS s (source_id, sign)
    CROSS JOIN articles_tag t
    WHERE t.article_id = NEW.id AND t.annotator_id IS NULL
    GROUP BY s.source_id, s.sign;
    RETURN NULL;
END $$;

CREATE TRIGGER tag_tally_insert AFTER INSERT ON articles_tag
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_tally_insert();
CREATE TRIGGER tag_tally_delete AFTER DELETE ON articles_tag
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_tally_delete();
CREATE TRIGGER tag_tally_update AFTER UPDATE ON articles_tag
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_tally_update();
CREATE TRIGGER tag_tally_truncate AFTER TRUNCATE ON articles_tag
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_tally_truncate();
CREATE TRIGGER tag_tally_source AFTER UPDATE OF source_id ON articles_article
    FOR EACH ROW WHEN (OLD.source_id IS DISTINCT FROM NEW.source_id)
    EXECUTE FUNCTION articles_tag_tally_source();

{INSERT} {tally_select("articles_tag", 1)};
"""

DROP_TRIGGERS = """
DROP TRIGGER tag_tally_source ON articles_article;
DROP TRIGGER tag_tally_truncate ON articles_tag;
DROP TRIGGER tag_tally_update ON articles_tag;
DROP TRIGGER tag_tally_delete ON articles_tag;
DROP TRIGGER tag_tally_insert ON articles_tag;
DROP FUNCTION articles_tag_tally_source();
DROP FUNCTION articles_tag_tally_truncate();
DROP FUNCTION articles_tag_tally_update();
DROP FUNCTION articles_tag_tally_delete();
DROP FUNCTION articles_tag_tally_insert();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_webhooks"),
    ]

    operations = [
        migrations.CreateModel(
            name="TagTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dimension", models.CharField(max_length=10)),
                ("key", models.CharField(max_length=200)),
                ("label", models.CharField(blank=True, max_length=200)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["dimension", "key"], name="tag_tally_idx")],
            },
        ),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
