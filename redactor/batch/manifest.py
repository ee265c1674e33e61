"""The batch manifest: one SQLite file in OUT_DIR recording every file's outcome, so a re-run can resume.

A row is keyed by the file's content (SHA-256), the profile (name and file hash), the register's hash and
the source path: changing any of them makes the file new work. Only the parent process writes here, one
commit per file, so an interrupted run leaves every finished file recorded and nothing half-recorded.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

MANIFEST_NAME = "manifest.sqlite"
STATUSES = ("done", "failed", "skipped")

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT NOT NULL,
    profile TEXT NOT NULL,
    profile_sha256 TEXT NOT NULL,
    register_sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed', 'skipped')),
    reason TEXT NOT NULL DEFAULT '',
    output TEXT NOT NULL DEFAULT '',
    log TEXT NOT NULL DEFAULT '',
    bytes INTEGER NOT NULL DEFAULT 0,
    words INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    summary TEXT NOT NULL DEFAULT '{}',
    timings TEXT NOT NULL DEFAULT '{}',
    worker TEXT NOT NULL DEFAULT '',
    peak_rss INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 1,
    run_id INTEGER,
    updated TEXT NOT NULL,
    PRIMARY KEY (sha256, profile, profile_sha256, register_sha256, source)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    input TEXT NOT NULL,
    profile TEXT NOT NULL,
    workers TEXT NOT NULL,
    outcome TEXT
);
"""


@dataclass(frozen=True, slots=True)
class RunKey:
    """What, besides a file's content and path, decides whether earlier work still counts."""

    profile: str
    profile_sha256: str
    register_sha256: str = ""


@dataclass(frozen=True, slots=True)
class Record:
    """One file's outcome as the manifest stores it."""

    source: str
    sha256: str
    status: str
    reason: str = ""
    output: str = ""
    log: str = ""
    bytes: int = 0
    words: int = 0
    counts: dict[str, int] | None = None
    summary: dict[str, Any] | None = None
    timings: dict[str, float] | None = None
    worker: str = ""
    peak_rss: int = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Manifest:
    """Read and write the manifest of one output folder."""

    def __init__(self, path: Path, key: RunKey) -> None:
        self.path = path
        self.key = key
        self.db = sqlite3.connect(path)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        self.run_id: int | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def start_run(self, input_dir: str, workers: str) -> int:
        """Record that a run began; returns its id."""
        cur = self.db.execute("INSERT INTO runs (started, input, profile, workers) VALUES (?, ?, ?, ?)",
                              (_now(), input_dir, self.key.profile, workers))
        self.db.commit()
        self.run_id = int(cur.lastrowid or 0)
        return self.run_id

    def finish_run(self, outcome: str) -> None:
        """Record how the run ended (finished, interrupted)."""
        self.db.execute("UPDATE runs SET finished = ?, outcome = ? WHERE id = ?", (_now(), outcome, self.run_id))
        self.db.commit()

    def lookup(self, sha256: str, source: str) -> sqlite3.Row | None:
        """The recorded outcome for this content at this path under this run key, if any."""
        k = self.key
        return self.db.execute(
            "SELECT * FROM files WHERE sha256 = ? AND profile = ? AND profile_sha256 = ? AND register_sha256 = ? "
            "AND source = ?", (sha256, k.profile, k.profile_sha256, k.register_sha256, source)).fetchone()

    def record(self, rec: Record) -> None:
        """Insert or replace a file's outcome (counting attempts) and commit at once."""
        if rec.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {rec.status!r}")
        k = self.key
        self.db.execute(
            "INSERT INTO files (sha256, profile, profile_sha256, register_sha256, source, status, reason, output, "
            "log, bytes, words, counts, summary, timings, worker, peak_rss, run_id, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (sha256, profile, profile_sha256, register_sha256, source) DO UPDATE SET "
            "status = excluded.status, reason = excluded.reason, output = excluded.output, log = excluded.log, "
            "bytes = excluded.bytes, words = excluded.words, counts = excluded.counts, summary = excluded.summary, "
            "timings = excluded.timings, worker = excluded.worker, peak_rss = excluded.peak_rss, "
            "run_id = excluded.run_id, updated = excluded.updated, attempts = files.attempts + 1",
            (rec.sha256, k.profile, k.profile_sha256, k.register_sha256, rec.source, rec.status, rec.reason,
             rec.output, rec.log, rec.bytes, rec.words, json.dumps(rec.counts or {}), json.dumps(rec.summary or {}),
             json.dumps(rec.timings or {}), rec.worker, rec.peak_rss, self.run_id, _now()))
        self.db.commit()

    def rows(self) -> list[dict[str, Any]]:
        """Every file recorded under this run key, JSON columns decoded."""
        k = self.key
        cur = self.db.execute("SELECT * FROM files WHERE profile = ? AND profile_sha256 = ? AND register_sha256 = ? "
                              "ORDER BY source", (k.profile, k.profile_sha256, k.register_sha256))
        return [decode(r) for r in cur.fetchall()]


def decode(row: sqlite3.Row) -> dict[str, Any]:
    """A manifest row as a dict with its JSON columns parsed."""
    out = dict(row)
    for col in ("counts", "summary", "timings"):
        out[col] = json.loads(out[col] or "{}")
    return out
