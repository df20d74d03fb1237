"""Webhook endpoint secrets move to an encrypted column; the clear one is dropped.

Reversible while the site still has the key they were encrypted with (SECRET_KEY or
one of SECRET_KEY_FALLBACKS): going back decrypts them into the clear column again."""

from django.db import migrations, models


def encrypt_secrets(apps, schema_editor):
    from articles.webhooks import secrets

    WebhookEndpoint = apps.get_model("articles", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all():
        endpoint.encrypted_secret = secrets.encrypt(endpoint.secret)
        endpoint.save(update_fields=["encrypted_secret"])


def decrypt_secrets(apps, schema_editor):
    from articles.webhooks import secrets

    WebhookEndpoint = apps.get_model("articles", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all():
        endpoint.secret = secrets.decrypt(endpoint.encrypted_secret)
        endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_article_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="encrypted_secret",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        # A default first, so that going back can add the clear column to existing rows.
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=models.CharField(default="", max_length=200),
        ),
        migrations.RemoveField(model_name="webhookendpoint", name="secret"),
    ]
