"""Batch runs over an archive folder: resumable, parallel (local processes or a Dask cluster), reported.

See the README (Batch runs). The pieces, in the order a run uses them: `walk` (find files), `manifest` (what is
done), `runners` + `worker` (where and how each file is processed), `report` (what the archive holds).
"""
from __future__ import annotations

from redactor.batch.run import BatchOptions, BatchOutcome, run_batch

__all__ = ["BatchOptions", "BatchOutcome", "run_batch"]
