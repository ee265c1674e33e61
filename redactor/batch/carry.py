"""The first pass of `redactor batch --carry-names`: analyse every document and gather the full names found.

The names stay in the parent process's memory and go to the workers inside the second pass's tasks; they
are never written to OUT_DIR, the manifest or the report (the report says how many were carried).
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from redactor.analyse.case_names import CaseNames
from redactor.batch.runners import Runner
from redactor.batch.walk import Entry
from redactor.batch.worker import Task


def collect_case_names(entries: Iterable[tuple[Entry, str]], runner: Runner, profile: Any, register: Any,
                       analyser: Any = None, ocr: str = "auto") -> CaseNames:
    """Analyse each (entry, sha256) on the runner and merge the full names each document holds. A file that
    cannot be read or analysed adds no names (the second pass fails it with its reason)."""
    queue = deque(entries)
    pending: dict[Any, Task] = {}
    found: dict[str, list[str]] = {}
    while queue or pending:
        while queue and len(pending) < runner.slots:
            entry, sha = queue.popleft()
            try:
                data = entry.path.read_bytes()
            except OSError:
                continue
            task = Task(entry.rel, data, sha, profile, register, analyser=analyser, collect=True, ocr=ocr)
            pending[runner.submit(task)] = task
        if not pending:
            break
        for future in runner.wait_first(pending, timeout=0.5):
            task = pending.pop(future)
            result = runner.result(future, task)
            if result.status == "done":
                found.setdefault(task.sha256, []).extend(result.names)
    return CaseNames.from_documents(found)
