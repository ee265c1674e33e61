"""`redactor batch`: the tree mirrored, logs beside outputs, manifest, failure isolation, report, resume,
Ctrl-C and a Dask cluster, on real files (text, DOCX, PDF, a corrupt DOCX, an encrypted and a scanned PDF)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from redactor.batch.manifest import MANIFEST_NAME, Manifest, Record, RunKey
from redactor.batch.report import build_report, render_html, risk_key
from redactor.batch.run import output_rel
from redactor.batch.walk import walk
from redactor.batch.worker import Task, process
from redactor.cli import main
from redactor.testing import scanned_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENCRYPTED_PDF = FIXTURES / "pdf" / "plumber__password-example.pdf"
MAX_BYTES = 100_000

REVIEW = """Learning Review: Child K
Kayden Mitchell (born 14 March 2019) lived with his mother Shannon Mitchell at 27 Glenburn Road, Paisley PA2 8QT.
The health visitor, Aileen Burns, visited the family on 3 May 2021 and again on 17 June 2021.
In my view Ms Mitchell was not coping with the demands of caring for Kayden.
The social worker, Grant Hamilton, thought that Darren Reid posed a risk to the children.
Ms Mitchell can be reached on 07700 900123 or at shannon.mitchell@example.com.
"""
MINUTES = """# Review team minutes, 12 October 2021
Present: Heather Gilchrist (Chair), Aonghas MacIver, Grace Lindsay.
Grace Lindsay said the school had been worried about Kayden's attendance since August 2021.
It was agreed that Aonghas MacIver would contact Strathcairn Primary School.
Heather Gilchrist believed that the family had been let down by the lack of a single plan.
"""
CHRONOLOGY = [
    "Merged chronology: Kayden Mitchell",
    "14/03/2019 Kayden born at the Royal Alexandra Hospital, Paisley.",
    "02/02/2020 GP Dr Fiona Campbell saw Kayden with bruising to his arm; mother said he fell.",
    "11/11/2020 Police attended 27 Glenburn Road after a neighbour, Mrs Irene Shaw, reported shouting.",
    "It is my opinion that Darren Reid minimised his drinking at every meeting.",
]
LETTER = [
    "Letter to the Learning Review team",
    "Darren Reid telephoned the school about Kayden Mitchell on 9 May 2022.",
]
SUMMARY_PDF = [
    "Case summary for the Learning Review",
    "Kayden Mitchell was admitted to hospital on 26 January 2023.",
    "His mother, Shannon Mitchell, said that Darren Reid had been at the flat.",
]
ARCHIVE_FILES = {  # path -> expected status after the first run
    "reviews/2019/learning-review.txt": "done",
    "reviews/2019/minutes.md": "done",
    "reviews/2021/chronology.docx": "done",
    "reviews/2021/summary.pdf": "done",
    "scans/scanned-letter.pdf": "done",      # read by OCR
    "broken/corrupt.docx": "failed",
    "broken/encrypted.pdf": "failed",
    "big/huge.txt": "failed",
    "misc/budget.numbers": "skipped",
}
REASONS = {
    "broken/corrupt.docx": "not a valid .docx",
    "broken/encrypted.pdf": "password-protected",
    "big/huge.txt": "over the limit",
    "misc/budget.numbers": "unsupported file type '.numbers'",
}
NAMES = ("Kayden Mitchell", "Shannon Mitchell", "Aileen Burns", "Grant Hamilton", "Heather Gilchrist")


# ---------------------------------------------------------------- real files

def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_bytes(lines: list[str] | None = None, image: bool = False) -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if image:  # a "scan": one grey picture, no text layer
        c.drawImage(ImageReader(Image.new("L", (400, 200), 180)), 72, 500, 400, 200)
    for n, line in enumerate(lines or []):
        c.drawString(72, 760 - 18 * n, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def build_archive(root: Path) -> Path:
    files: dict[str, bytes] = {
        "reviews/2019/learning-review.txt": REVIEW.encode(),
        "reviews/2019/minutes.md": MINUTES.encode(),
        "reviews/2021/chronology.docx": docx_bytes(CHRONOLOGY),
        "reviews/2021/summary.pdf": pdf_bytes(SUMMARY_PDF),
        "scans/scanned-letter.pdf": scanned_pdf(pdf_bytes(LETTER), 200, skew=0.6, noise=4.0, jpeg_quality=60),
        "broken/corrupt.docx": docx_bytes(CHRONOLOGY)[:1500],   # truncated zip
        "broken/encrypted.pdf": ENCRYPTED_PDF.read_bytes(),
        "big/huge.txt": (REVIEW * 400).encode(),                   # over --max-bytes
        "misc/budget.numbers": b"PK\x03\x04 a spreadsheet",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert len(files["big/huge.txt"]) > MAX_BYTES > max(len(v) for k, v in files.items() if k != "big/huge.txt")
    return root


def batch(archive: Path, out: Path, *extra: str) -> int:
    return main(["batch", str(archive), "--profile", "publication", "--out", str(out), "--max-bytes", str(MAX_BYTES),
                 "--no-progress", *extra])


def manifest_rows(out: Path) -> dict[str, dict[str, Any]]:
    db = sqlite3.connect(out / MANIFEST_NAME)
    db.row_factory = sqlite3.Row
    rows = {r["source"]: dict(r) for r in db.execute("SELECT * FROM files ORDER BY updated")}
    db.close()
    return rows


def output_text(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if path.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- fast: no model

def test_walk_lists_every_file_and_marks_unsupported(tmp_path: Path) -> None:
    for rel in ("b/report.docx", "a/notes.TXT", "a/~$report.docx", "a/sheet.numbers", "c/README", "out/x.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    entries = {e.rel: e.skip_reason for e in walk(tmp_path, exclude=tmp_path / "out")}
    assert list(entries) == sorted(entries) and "out/x.txt" not in entries
    assert entries["b/report.docx"] == entries["a/notes.TXT"] == ""
    assert "lock file" in entries["a/~$report.docx"]
    assert "unsupported file type '.numbers'" in entries["a/sheet.numbers"]
    assert "(no extension)" in entries["c/README"]


def test_manifest_keys_by_content_profile_and_register(tmp_path: Path) -> None:
    key = RunKey("publication", "p1", "")
    with Manifest(tmp_path / MANIFEST_NAME, key) as m:
        m.start_run(str(tmp_path), "1 local")
        m.record(Record("a.txt", "h1", "failed", "a.txt: the file is empty (0 bytes)"))
        m.record(Record("a.txt", "h1", "done", output="a.txt", words=5, counts={"PERSON": 2}))
        row = m.lookup("h1", "a.txt")
        assert row is not None and row["status"] == "done" and row["attempts"] == 2
        assert m.lookup("h2", "a.txt") is None           # new content is new work
        assert m.rows()[0]["counts"] == {"PERSON": 2}
        with pytest.raises(ValueError):
            m.record(Record("a.txt", "h1", "finished"))
    with Manifest(tmp_path / MANIFEST_NAME, RunKey("foi", "p2", "")) as other:
        assert other.lookup("h1", "a.txt") is None       # another profile is another key
        assert other.rows() == []


def _row(source: str, status: str = "done", *, reason: str = "", review: int = 0, opinions: int = 0,
         direct: int = 0, ocr: list[int] | None = None) -> dict[str, Any]:
    summary = {"format": "text", "entities": {"PERSON": direct, "DATE": 3},
               "needs_review": [{"entity_type": "PERSON", "score": 0.4, "where": "line 1"}] * review,
               "opinions_about_people": {"people": min(opinions, 1), "statements": opinions},
               "needs_ocr": ocr or [], "redactions": direct}
    return {"source": source, "status": status, "reason": reason, "words": 10, "bytes": 100, "summary": summary,
            "output": source if status == "done" else "", "log": "", "timings": {}, "attempts": 1}


def test_report_puts_the_riskiest_files_first() -> None:
    rows = [_row("quiet.txt", direct=1), _row("skip.xlsx", "skipped", reason="unsupported"),
            _row("opinions.txt", opinions=4, direct=2), _row("scan.pdf", "failed", reason="needs OCR", ocr=[1]),
            _row("broken.docx", "failed", reason="not a valid .docx"), _row("names.txt", direct=9),
            _row("lowconf.txt", review=5, direct=1)]
    report = build_report(rows, {"input": "in", "profile": "publication", "review_threshold": 0.6})
    order = [f["path"] for f in report["files"]]
    assert order == ["scan.pdf", "broken.docx", "lowconf.txt", "opinions.txt", "names.txt", "quiet.txt", "skip.xlsx"]
    assert [risk_key(f) for f in report["files"]] == sorted(risk_key(f) for f in report["files"])
    t = report["totals"]
    assert (t["files"], t["done"], t["failed"], t["skipped"]) == (7, 4, 2, 1)
    assert t["needs_review"] == 5 and t["opinions_about_people"] == 4 and t["files_needing_ocr"] == 1
    assert report["failures"][0] == {"path": "scan.pdf", "reason": "needs OCR"}
    assert report["files"][0]["attention"][0] == "not redacted: needs OCR"


def test_report_html_is_escaped_and_in_report_order() -> None:
    rows = [_row("a<b>.txt", direct=1), _row("z.docx", "failed", reason="z.docx: <bad> & broken")]
    page = render_html(build_report(rows, {"input": "archive & co"}))
    assert "<b>.txt" not in page and "a&lt;b&gt;.txt" in page and "&lt;bad&gt; &amp; broken" in page
    assert page.index("z.docx") < page.index("a&lt;b&gt;.txt")


@pytest.mark.parametrize("rel, data, reason", [
    ("corrupt.docx", b"PK\x03\x04 truncated", "corrupt.docx: not a valid .docx"),
    ("encrypted.pdf", ENCRYPTED_PDF.read_bytes(), "encrypted.pdf: the PDF is password-protected"),
    ("empty.txt", b"", "empty.txt: the file is empty (0 bytes)"),
])
def test_a_bad_file_becomes_a_recorded_reason(rel: str, data: bytes, reason: str) -> None:
    from redactor.anonymise.profiles import load_profile

    result = process(Task(rel, data, hashlib.sha256(data).hexdigest(), load_profile("publication")))
    assert result.status == "failed" and result.reason.startswith(reason) and result.output is None
    assert "Traceback" not in result.reason and result.peak_rss > 0


def test_an_unexpected_exception_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor import pipeline
    from redactor.anonymise.profiles import load_profile

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the parser fell over")

    monkeypatch.setattr(pipeline, "parse_bytes", explode)
    result = process(Task("a.txt", b"text", "h", load_profile("publication")))
    assert (result.status, result.reason) == ("failed", "internal error: RuntimeError: the parser fell over")


def test_output_keeps_the_path_and_saves_docx_variants_as_docx() -> None:
    assert output_rel("a/b/report.txt", "text") == "a/b/report.txt"
    assert output_rel("a/report.docm", "docx") == "a/report.docx"
    assert output_rel("a/scan.pdf", "pdf") == "a/scan.pdf"


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers must be at least 1"),
    (["--review-threshold", "2"], "--review-threshold must be between 0 and 1"),
    (["--profile", "publcation"], "Unknown profile 'publcation'"),
])
def test_bad_options_are_refused_with_a_clear_message(tmp_path: Path, args: list[str], message: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["batch", str(tmp_path), "--out", str(tmp_path / "out"), "--no-progress"]
    assert main(argv + (args if "--profile" in args else ["--profile", "publication", *args])) == 2
    assert message in capsys.readouterr().err


# ---------------------------------------------------------------- slow: real engine, real worker processes

@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The archive run once with two local workers; tests below only read what it made."""
    root = tmp_path_factory.mktemp("batch")
    archive = build_archive(root / "archive")
    out = root / "out"
    code = batch(archive, out, "--workers", "2")
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    return {"root": root, "archive": archive, "out": out, "code": code, "report": report}


@pytest.mark.slow
def test_failed_files_make_the_exit_code_non_zero(first_run: dict[str, Any]) -> None:
    assert first_run["code"] == 1


@pytest.mark.slow
def test_outputs_mirror_the_tree_with_logs_beside_them(first_run: dict[str, Any]) -> None:
    out: Path = first_run["out"]
    for rel, status in ARCHIVE_FILES.items():
        output, log = out / rel, out / (rel + ".log.json")
        assert output.is_file() == log.is_file() == (status == "done"), rel
        if status == "done":
            text = output_text(output)
            assert text.strip() and not any(name in text for name in NAMES), rel
            entry = json.loads(log.read_text(encoding="utf-8"))
            assert entry["profile"]["name"] == "publication" and entry["verification"]["passed"]
            assert entry["source"]["sha256"] == hashlib.sha256((first_run["archive"] / rel).read_bytes()).hexdigest()
    assert not list(out.rglob("*.tmp"))


@pytest.mark.slow
def test_the_manifest_records_every_file_with_its_reason(first_run: dict[str, Any]) -> None:
    rows = manifest_rows(first_run["out"])
    assert {k: r["status"] for k, r in rows.items()} == ARCHIVE_FILES
    for rel, needle in REASONS.items():
        assert needle in rows[rel]["reason"] and "Traceback" not in rows[rel]["reason"], rows[rel]["reason"]
    done = [r for r in rows.values() if r["status"] == "done"]
    assert all(r["words"] > 0 and r["output"] and r["peak_rss"] > 0 and json.loads(r["timings"])["analyse"] > 0
               for r in done)
    assert len({r["worker"] for r in done}) == 2   # both workers took files


@pytest.mark.slow
def test_the_report_lists_risk_first_and_holds_no_personal_data(first_run: dict[str, Any]) -> None:
    report, out = first_run["report"], first_run["out"]
    files = report["files"]
    assert [risk_key(f) for f in files] == sorted(risk_key(f) for f in files)
    scan = next(f for f in files if f["path"] == "scans/scanned-letter.pdf")
    assert scan["status"] == "done" and scan["needs_ocr"] == [] and scan["pages"] == 1
    assert scan["ocr"]["pages"]["1"]["confidence"] > 80 and scan["ocr"]["seconds"] > 0
    assert any(a.startswith("1 scanned page(s) read by OCR in ") for a in scan["attention"])
    assert [f["status"] for f in files] == sorted((f["status"] for f in files), key=["failed", "done", "skipped"].index)
    t = report["totals"]
    assert (t["files"], t["done"], t["failed"], t["skipped"], t["files_needing_ocr"]) == (9, 5, 3, 1, 0)
    assert t["pages_read_by_ocr"] == 1 and t["pages"] >= 2
    assert t["entities"]["PERSON"] >= 10 and t["opinions_about_people"] >= 1 and t["redactions"] > 0
    assert report["needs_ocr"] == []
    assert {f["path"] for f in report["failures"]} == {k for k, v in ARCHIVE_FILES.items() if v == "failed"}
    page = (out / "batch-report.html").read_text(encoding="utf-8")
    positions = [page.index(f["path"]) for f in files]
    assert positions == sorted(positions)
    for text in (json.dumps(report), page):
        assert not any(name in text for name in NAMES)


@pytest.mark.slow
def test_a_rerun_skips_done_files_and_retries_failed_ones(first_run: dict[str, Any], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    archive, out = tmp_path / "archive", tmp_path / "out"
    shutil.copytree(first_run["archive"], archive)
    shutil.copytree(first_run["out"], out)
    before = manifest_rows(out)
    mtimes = {rel: (out / rel).stat().st_mtime_ns for rel, s in ARCHIVE_FILES.items() if s == "done"}
    (archive / "broken/corrupt.docx").write_bytes(docx_bytes(CHRONOLOGY))      # someone fixed it
    capsys.readouterr()
    assert batch(archive, out, "--workers", "1") == 1                            # encrypted.pdf still fails
    assert "5 already done" in capsys.readouterr().err
    after = manifest_rows(out)
    assert {rel: (out / rel).stat().st_mtime_ns for rel in mtimes} == mtimes   # done files untouched
    assert all(after[rel]["attempts"] == 1 for rel in mtimes)
    assert after["broken/encrypted.pdf"]["attempts"] == before["broken/encrypted.pdf"]["attempts"] + 1
    assert after["broken/corrupt.docx"]["status"] == "done" and (out / "broken/corrupt.docx.log.json").is_file()
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert [f["status"] for f in report["files"] if f["path"] == "broken/corrupt.docx"] == ["done"]  # old row gone
    assert report["totals"]["done"] == 6 and report["totals"]["files"] == 9


def _some_file_done(out: Path) -> bool:
    """True once the run's manifest records a finished file (the file exists a moment before its table)."""
    try:
        return (out / MANIFEST_NAME).is_file() and any(r["status"] == "done" for r in manifest_rows(out).values())
    except sqlite3.OperationalError:
        return False


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(tmp_path: Path) -> None:
    archive, out = tmp_path / "archive", tmp_path / "out"
    archive.mkdir()
    for n in range(12):
        (archive / f"review-{n:02}.txt").write_text(REVIEW * 6, encoding="utf-8")
    cmd = [sys.executable, "-m", "redactor.cli", "batch", str(archive), "--profile", "publication", "--out", str(out),
           "--workers", "1", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if _some_file_done(out):
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "re-run the same command to resume" in err
    done = [rel for rel, r in manifest_rows(out).items() if r["status"] == "done"]
    assert 1 <= len(done) < 12
    assert all((out / rel).is_file() and (out / (rel + ".log.json")).is_file() for rel in done)
    assert not list(out.rglob("*.tmp"))
    assert main(cmd[3:]) == 0
    rows = manifest_rows(out)
    assert len(rows) == 12 and all(r["status"] == "done" and r["attempts"] == 1 for r in rows.values())


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_results(first_run: dict[str, Any], tmp_path: Path) -> None:
    from distributed import LocalCluster

    out = tmp_path / "out"
    report_path = tmp_path / "reports" / "archive.json"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code = batch(first_run["archive"], out, "--scheduler", cluster.scheduler_address, "--report", str(report_path))
    assert code == 1
    assert report_path.is_file() and report_path.with_suffix(".html").is_file()
    report = json.loads(report_path.read_text(encoding="utf-8"))
    local = first_run["report"]
    assert report["runner"].startswith("Dask scheduler tcp://")
    assert report["totals"] == local["totals"]
    assert [(f["path"], f["status"]) for f in report["files"]] == [(f["path"], f["status"]) for f in local["files"]]
    for rel, status in ARCHIVE_FILES.items():
        assert (out / rel).is_file() == (status == "done")
    workers = {r["worker"] for r in manifest_rows(out).values() if r["status"] == "done"}
    assert len(workers) == 1 and os.getpid() not in {int(w.rsplit(":", 1)[1]) for w in workers}
