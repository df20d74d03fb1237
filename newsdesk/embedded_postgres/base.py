"""Django's PostgreSQL backend, plus starting the embedded server on first connect."""

from __future__ import annotations

from django.db.backends.postgresql import base

from newsdesk.embedded_postgres import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        pgdata = self.settings_dict["HOST"]
        # Django's test runner connects to "postgres" to create the test database; only
        # the project's own database needs creating here.
        database = params.get("dbname") or "postgres"
        params["host"] = ensure_server(pgdata, database)
        return params
