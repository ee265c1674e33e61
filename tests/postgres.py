"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary folder, a Unix socket only.

Uses the server binaries of the machine (Debian's `postgresql` package, which `scripts/system-deps.sh`
installs); no port is opened and nothing outside the folder is touched. PostgreSQL refuses to run as
root, so under root (as on CI) the cluster belongs to the `postgres` system user and its commands run
through `runuser`.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import uuid
from pathlib import Path

SERVER_USER = "postgres"


def server_bin() -> Path | None:
    """The folder holding `initdb`, `pg_ctl` and `postgres`, newest version first; None when not installed."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(on_path).parent)
    found = [d for d in found if (d / "pg_ctl").is_file() and (d / "postgres").is_file()]
    return max(found, key=lambda d: d.parent.name) if found else None


def unavailable_reason() -> str:
    """Why no server can be started here, or "" when one can."""
    if server_bin() is None:
        return "no PostgreSQL server binaries (install the postgresql package: scripts/system-deps.sh does)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no '{SERVER_USER}' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop privileges for the server"
    return ""


class PostgresServer:
    """initdb + pg_ctl start in `root`; `url(name)` for a new empty database; `stop()` removes nothing else."""

    def __init__(self, root: Path) -> None:
        self.bin = server_bin()
        if self.bin is None:
            raise RuntimeError(unavailable_reason())
        self.root = root
        self.data = root / "data"
        self.socket_dir = root / "socket"
        self.port = 5432  # only names the socket file; no TCP listener is opened
        self.user = SERVER_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; returns self."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(SERVER_USER)
            for p in (self.root, self.socket_dir):
                os.chown(p, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -p {self.port} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        """Stop the server immediately (its data is thrown away with the folder)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self) -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"redactor_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
