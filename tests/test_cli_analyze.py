"""`redactor analyze` on real files: the JSON contract, every format, and clear errors for bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
# The fixtures that must be refused, and what the refusal says; every other fixture must analyse.
BROKEN = {
    "poi__bug53475-password-is-pass.docx": "password-protected",
    "poi__truncated62886.docx": "not a valid .docx (the zip package is corrupt or truncated",
    "poi__crash-517626e815e0afa9decd0ebb6d1dee63fb9907dd.docx": "not a valid .docx (the zip package is corrupt",
    "plumber__empty.pdf": "the file is empty (0 bytes)",
    "plumber__password-example.pdf": "the PDF is password-protected",
    "miner__aes-256-r6.pdf": "the PDF is password-protected",
}
FIXTURE_FILES = sorted((FIXTURES / "docx").glob("*.docx")) + sorted((FIXTURES / "pdf").glob("*.pdf"))
CONTRACT_SPAN = {"start", "end", "entity_type", "score", "text", "recognizer", "explanation"}


def run_json(capsys, path: Path) -> dict:
    assert main(["analyze", str(path), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def check_contract(out: dict, fmt: str) -> None:
    assert set(out) >= {"source", "text", "blocks", "spans", "statements", "warnings"}
    assert out["source"]["format"] == fmt and len(out["source"]["sha256"]) == 64
    text = out["text"]
    for b in out["blocks"]:
        assert 0 <= b["start"] <= b["end"] <= len(text) and b["kind"] and isinstance(b["location"], dict)
    for s in out["spans"]:
        assert CONTRACT_SPAN <= set(s) and text[s["start"]:s["end"]] == s["text"]
    for st in out["statements"]:
        assert st["kind"] in ("fact", "opinion", "intention") and 0 <= st["start"] < st["end"] <= len(text)


def test_text_offsets_are_the_files_own(capsys, tmp_path):
    path = tmp_path / "note.txt"
    body = "Notes\r\n\r\nShannon Mitchell phoned on 14/03/2019.\nThe GP felt she was coping.\n"
    path.write_bytes(body.encode("utf-8"))
    out = run_json(capsys, path)
    check_contract(out, "text")
    assert out["text"] == body
    assert any(s["text"] == "Shannon Mitchell" for s in out["spans"])
    assert any(st["kind"] == "opinion" for st in out["statements"])


def test_sample_docx(capsys):
    out = run_json(capsys, Path(__file__).parents[1] / "samples" / "sample-learning-review.docx")
    check_contract(out, "docx")
    kinds = {b["kind"] for b in out["blocks"]}
    assert {"paragraph", "table_cell", "header", "footer", "comment", "property"} <= kinds
    names = {s["text"] for s in out["spans"]}
    assert {"Ayla Robertson", "Fiona Muir", "Morven Blair"} <= names


def test_table_output(capsys):
    assert main(["analyze", str(Path(__file__).parents[1] / "samples" / "sample-learning-review.docx"),
                 "--format", "table"]) == 0
    assert "Ayla Robertson" in capsys.readouterr().out


def test_the_fixture_table_names_real_files() -> None:
    names = {p.name for p in FIXTURE_FILES}
    assert len(names) > 3 * len(BROKEN) and set(BROKEN) <= names
    assert all(BROKEN.values())


@pytest.mark.slow
@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_every_fixture_analyses_or_fails_clearly(capsys, path):
    """A broken fixture is refused with its message; any other fixture must analyse (a refusal fails the test)."""
    code = main(["analyze", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if path.name in BROKEN:
        assert code == 2 and captured.err.startswith(f"redactor: error: {path.name}: ")
        assert BROKEN[path.name] in captured.err
    else:
        assert code == 0, captured.err
        check_contract(json.loads(captured.out), "docx" if path.suffix == ".docx" else "pdf")


@pytest.mark.parametrize("name, data, message", [
    ("report.xlsx", b"PK\x03\x04junk", "not a valid .xlsx"),
    ("report.docx", b"PK\x03\x04junk", "not a valid .docx"),
    ("report.key", b"hello", "unsupported file type '.key'"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n", "no text"),
    ("binary.txt", b"\xff\xfe\x00\x00\x00abc\x00\x00", "binary"),
    ("nul.txt", b"abc\x00\xffdef", "binary"),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "without the WordDocument stream"),
    ("budget.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "neither a Word document nor an Excel workbook"),
])
def test_bad_input_is_refused_clearly(capsys, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_latin1_text_is_decoded_with_a_warning(capsys, tmp_path):
    path = tmp_path / "old.txt"
    text = "Mrs O’Brien visited the café on 3rd Feb 2021 with Zoë. Ça va très bien, merci beaucoup."
    path.write_bytes(text.encode("cp1252"))
    out = run_json(capsys, path)
    assert "Zoë" in out["text"] and any("decoded as" in w for w in out["warnings"])


def test_missing_file(capsys, tmp_path):
    assert main(["analyze", str(tmp_path / "nope.docx")]) == 2
    assert "no such file" in capsys.readouterr().err
