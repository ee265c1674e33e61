"""kill -9 of `redactor batch` leaves no worker (nor the multiprocessing resource tracker) running."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")

TEXT = "The health visitor, Aileen Burns, visited Shannon Mitchell at 27 Glenburn Road, Paisley PA2 8QT.\n" * 40


def stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a live process, or None when it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = raw.rsplit(")", 1)[1].split()[:2]
    return None if state in ("Z", "X") else (int(ppid), state)


def descendants(root: int) -> set[int]:
    """Every live process below `root` in the process tree."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (s := stat(int(entry.name))):
            parents[int(entry.name)] = s[0]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


@pytest.mark.slow
def test_kill_9_of_the_batch_process_leaves_no_worker(tmp_path: Path) -> None:
    archive, out = tmp_path / "archive", tmp_path / "out"
    archive.mkdir()
    for n in range(40):
        (archive / f"note-{n:02}.txt").write_text(TEXT, encoding="utf-8")
    cmd = [sys.executable, "-m", "redactor.cli", "batch", str(archive), "--profile", "publication", "--out", str(out),
           "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            children = descendants(proc.pid)
            if len(children) >= 3:         # two workers and the resource tracker
                break
            time.sleep(0.2)
        assert proc.poll() is None and len(children) >= 3, "the batch run did not start its workers"
        time.sleep(1.0)                    # let the workers get into their initializer
        children = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(stat(pid) for pid in children):
            time.sleep(0.1)
        assert not [pid for pid in children if stat(pid)], "workers outlived the batch process"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in children | descendants(proc.pid):
            if stat(pid):              # a failed run must not leave its workers behind either
                os.kill(pid, signal.SIGKILL)


def test_a_process_whose_parent_is_already_gone_exits(tmp_path: Path) -> None:
    # die_with_parent() with a pid that is not our parent: the worker is already orphaned and must exit.
    code = ("import os; from redactor.batch.runners import die_with_parent; die_with_parent(os.getppid() + 1); "
            "print('survived')")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "survived" not in done.stdout
