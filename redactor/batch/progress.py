"""The terminal progress bar: files and PDF pages done, words per second, time left (estimated by bytes, not
files). Pages are counted because a scanned page costs far more than its words (OCR is the slow step)."""
from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class RichProgress:
    """A rich progress bar on standard error."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(),
            TextColumn("{task.fields[files]}/{task.fields[total_files]} files"),
            TextColumn("{task.fields[pages]} pages"),
            TextColumn("{task.fields[wps]:>7,.0f} words/s"), TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=self.console, transient=False)
        self._task = self._bar.add_task("batch", total=1, start=False, files=0, total_files=0, wps=0.0, failed=0,
                                        pages=0, visible=False)
        self._words = 0
        self._pages = 0
        self._files = 0
        self._failed = 0
        self._clock = time.perf_counter()

    def start(self, files: int, total_bytes: int, runner: str) -> None:
        """Show the bar for `files` files on `runner`."""
        self.console.print(f"redactor batch: {files} file(s) to process on {runner}")
        self._clock = time.perf_counter()
        self._bar.update(self._task, total=max(total_bytes, 1), total_files=files, visible=True)
        self._bar.start_task(self._task)
        self._bar.start()

    def advance(self, rel: str, size: int, words: int, status: str, pages: int = 0) -> None:
        """One more file finished (with `pages` PDF pages)."""
        self._words += words
        self._pages += pages
        self._files += 1
        self._failed += status == "failed"
        elapsed = max(time.perf_counter() - self._clock, 1e-6)
        self._bar.update(self._task, advance=size, files=self._files, wps=self._words / elapsed, failed=self._failed,
                         pages=self._pages)

    def note(self, message: str) -> None:
        """Print a line above the bar."""
        self._bar.console.print(message)

    def stop(self) -> None:
        """Stop redrawing the bar."""
        self._bar.stop()
