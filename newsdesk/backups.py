"""Dump and restore the whole database with PostgreSQL's own tools.

Works the same for the embedded server (its pg_dump/pg_restore ship with pgserver)
and for an external one (the system's tools, or pgserver's if none are installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections


def pg_tool(name: str) -> str:
    """Path of a PostgreSQL client program: pgserver's copy first (it matches the
    embedded server's version), else the one on PATH."""
    try:
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: install the PostgreSQL client tools")
    return found


def connection_args(alias: str = "default", *, dbname: str | None = None):
    """Command-line arguments and environment to reach the database of `alias`."""
    wrapper = connections[alias]
    params = wrapper.get_connection_params()  # starts the embedded server if needed
    args = ["--host", str(params.get("host") or "localhost")]
    if params.get("port"):
        args += ["--port", str(params["port"])]
    if params.get("user"):
        args += ["--username", params["user"]]
    args += ["--dbname", dbname or params["dbname"]]
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    return args, env


def dump(path: Path, alias: str = "default") -> None:
    """Write a compressed custom-format dump of the whole database to `path`."""
    args, env = connection_args(alias)
    subprocess.run(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args],
        env=env,
        check=True,
    )


def restore(path: Path, alias: str = "default", *, dbname: str | None = None) -> None:
    """Restore a dump into `dbname` (default: the configured database), replacing what
    is there. The target database must exist."""
    args, env = connection_args(alias, dbname=dbname)
    subprocess.run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env=env,
        check=True,
    )
