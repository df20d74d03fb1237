"""Webhooks: events recorded with the write they report, delivered signed by a worker."""
