"""A PostgreSQL backend that starts the project's embedded server before connecting.

With no DATABASE_URL, settings point Django here. The server (from the `pgserver`
package) lives in a git-ignored folder of the project, needs no root and no system
install, and is started lazily on the first connection so commands that never touch
the database do not pay for it.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

_lock = threading.Lock()
_socket_dirs: dict[str, str] = {}
_created: set[tuple[str, str]] = set()


def ensure_server(pgdata: str, database: str) -> str:
    """Start (or reuse) the embedded server in `pgdata`, create `database` if missing,
    and return the directory of its Unix socket (usually `pgdata` itself)."""
    with _lock:
        if pgdata not in _socket_dirs:
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells).
                warnings.simplefilter("ignore")
                import pgserver

            Path(pgdata).mkdir(parents=True, exist_ok=True)
            # cleanup_mode=None: the server outlives this process, so a reloading dev
            # server or the next management command reuses it instead of restarting it.
            server = pgserver.get_server(pgdata, cleanup_mode=None)
            _socket_dirs[pgdata] = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
        host = _socket_dirs[pgdata]
        if (pgdata, database) not in _created:
            import psycopg

            with psycopg.connect(host=host, user="postgres", dbname="postgres") as conn:
                conn.autocommit = True
                found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
                if found.fetchone() is None:
                    conn.execute(f'CREATE DATABASE "{database}"')
            _created.add((pgdata, database))
        return host
