"""Service settings: from arguments or `REDACTOR_*` environment variables, with a secret kept in the data folder."""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher

if TYPE_CHECKING:
    from redactor.document import Document
    from redactor.findings import Analysis
    from redactor.register import Register

Analyser = Callable[["Document", "Register | None"], "Analysis"]

DEFAULT_DATA_DIR = "redactor-data"
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# One document's analysis runs in a worker process with at most this much address space (the language model
# and a long report need about 0.5 GiB) and this much wall-clock time; past either it fails alone.
DEFAULT_ANALYSIS_MEMORY_MB = 2048
DEFAULT_ANALYSIS_TIMEOUT_SECONDS = 300
SECRET_FILE = "secret.key"
# The data folder holds originals, full text and outputs: personal data, for the service's own user only.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077


def _real_analyser(doc: Document, register: Register | None) -> Analysis:
    from redactor.pipeline import analyse

    return analyse(doc, register)


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; nothing is read at import time."""

    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str = ""                     # empty: SQLite file in data_dir
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    secret_key: str = ""                       # empty: generated once and kept in data_dir/secret.key
    session_hours: int = 12
    secure_cookies: bool = False               # set behind HTTPS
    analysis_workers: int = 1
    analysis_memory_mb: int = DEFAULT_ANALYSIS_MEMORY_MB            # per worker process; 0: no limit
    analysis_timeout_seconds: int = DEFAULT_ANALYSIS_TIMEOUT_SECONDS  # per document; 0: no limit
    login_max_failures: int = 5                # failed logins per username or address within the window; 0: no limit
    login_window_seconds: int = 900
    carry_names: bool = True                   # look for the full names of a case's documents in each other one
    analyser: Analyser = field(default=_real_analyser)   # runs in a worker process: must pickle
    password_hasher: PasswordHasher = field(default_factory=PasswordHasher)   # argon2id, library defaults

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `REDACTOR_*` variables; keyword overrides that are not None win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if env.get("REDACTOR_DATA_DIR"):
            values["data_dir"] = Path(env["REDACTOR_DATA_DIR"])
        if env.get("REDACTOR_DATABASE_URL"):
            values["database_url"] = env["REDACTOR_DATABASE_URL"]
        if env.get("REDACTOR_MAX_UPLOAD_BYTES"):
            values["max_upload_bytes"] = int(env["REDACTOR_MAX_UPLOAD_BYTES"])
        if env.get("REDACTOR_SECRET_KEY"):
            values["secret_key"] = env["REDACTOR_SECRET_KEY"]
        for name in ("login_max_failures", "login_window_seconds", "analysis_workers", "analysis_memory_mb",
                     "analysis_timeout_seconds"):
            if env.get(f"REDACTOR_{name.upper()}"):
                values[name] = int(env[f"REDACTOR_{name.upper()}"])
        for name in ("secure_cookies", "carry_names"):
            if env.get(f"REDACTOR_{name.upper()}"):
                values[name] = env[f"REDACTOR_{name.upper()}"].lower() in ("1", "true", "yes")
        values.update({k: (Path(v) if k == "data_dir" else v) for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def db_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'redactor.sqlite3').resolve()}"

    def prepared(self) -> Settings:
        """Create the data folder (documents, exports, tmp) owner-only, and the SQLite file and secret key 0600."""
        for sub in ("", "documents", "exports", "tmp"):
            folder = self.data_dir / sub
            folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            folder.chmod(PRIVATE_DIR)     # also when it was there already, made under a looser umask
        if not self.database_url:
            database = self.data_dir / "redactor.sqlite3"
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))   # SQLite keeps the mode it finds
            database.chmod(PRIVATE_FILE)
        if self.secret_key:
            return self
        path = self.data_dir / SECRET_FILE
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return replace(self, secret_key=path.read_text().strip())
