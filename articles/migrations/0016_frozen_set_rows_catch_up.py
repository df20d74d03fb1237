from django.db import migrations


def snapshot_sets_still_without_rows(apps, schema_editor):
    """The sets 0012 could not snapshot while the schema was older than the export code."""
    from articles import exporting

    exporting.snapshot_sets_without_rows(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_team_layers_and_assignments"),
    ]

    operations = [
        migrations.RunPython(snapshot_sets_still_without_rows, migrations.RunPython.noop),
    ]
