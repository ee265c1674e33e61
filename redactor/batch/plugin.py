"""A Dask worker plugin that loads the NLP engine when a worker joins, not on its first file."""
from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from redactor.batch.worker import init_worker


class WarmEngine(WorkerPlugin):
    """Load the redactor engine once per Dask worker process."""

    idempotent = True

    def setup(self, worker: Any) -> None:
        """Build and warm the engine (Ctrl-C handling stays with the worker's own nanny)."""
        init_worker(ignore_sigint=False)
