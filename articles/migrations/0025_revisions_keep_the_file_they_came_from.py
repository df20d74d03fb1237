"""Each version of a text keeps the file it was cleaned from, so that an update from a
newer file can make that file the article's raw text without losing the first one."""

from django.db import migrations, models

# Until now an update left the article's raw text alone: it is still the imported file.
# (The newer files of past updates were not kept: their versions stay without one.)
FIRST_FILE_ON_VERSION_1 = """
    UPDATE articles_articlerevision AS r
    SET raw_text = a.raw_text, filename = a.original_filename
    FROM articles_article AS a
    WHERE r.article_id = a.id AND r.kind = 'imported'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_import_offers_to_update_a_similar_article"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlerevision",
            name="filename",
            field=models.CharField(blank=True, max_length=255, verbose_name="اسم الملف"),
        ),
        migrations.AddField(
            model_name="articlerevision",
            name="raw_text",
            field=models.TextField(blank=True, verbose_name="النص الخام للملف"),
        ),
        migrations.RunSQL(FIRST_FILE_ON_VERSION_1, migrations.RunSQL.noop),
    ]
