"""The drafting check: opinions written as if fact, from text, DOCX and PDF, through `redactor lint`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.cli import main
from redactor.lint import lint
from redactor.parse import parse_file

AS_FACT = "Mother was unable to prioritise the children's needs."
ATTRIBUTED = "The social worker felt that Mother was minimising her drinking."
PLAIN = "The health visitor visited on 3 February."


def _docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "11/11/2022"
    table.rows[0].cells[1].text = "The response was prompt and thorough."
    d.save(str(path))
    return path


def _pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 780
    for line in lines:
        c.drawString(72, y, line)
        y -= 28
    c.save()
    return path


def test_lint_text(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    path.write_text(f"Findings\n5.1 {PLAIN} {AS_FACT}\n{ATTRIBUTED}\n- The response was prompt and thorough.\n",
                    encoding="utf-8")
    warnings = lint(parse_file(path))
    assert [w.sentence for w in warnings] == [AS_FACT, "The response was prompt and thorough."]
    first = warnings[0]
    assert first.location == {"line": 2} and first.block_kind == "paragraph"
    assert first.suggestion == "The review team considers that " + AS_FACT
    assert warnings[1].block_kind == "list_item"


def test_suggestion_uses_a_holder_named_earlier_in_the_block(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(f"{ATTRIBUTED} {AS_FACT}\n", encoding="utf-8")
    [w] = lint(parse_file(path))
    assert w.suggestion == "The social worker felt that " + AS_FACT


def test_lint_cli_text_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad, good = tmp_path / "bad.md", tmp_path / "good.md"
    bad.write_text(AS_FACT + "\n", encoding="utf-8")
    good.write_text(PLAIN + " " + ATTRIBUTED + "\n", encoding="utf-8")
    assert main(["lint", str(bad)]) == 1
    out = capsys.readouterr().out
    assert AS_FACT in out and "suggest: The review team considers that" in out and "1 warning" in out
    assert main(["lint", str(good)]) == 0
    assert "0 warnings" in capsys.readouterr().out
    assert main(["lint", str(bad), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["warnings"][0]["sentence"] == AS_FACT and data["warnings"][0]["cue"] == "unable to"


def test_lint_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_lint_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _docx(tmp_path / "draft.docx", [PLAIN, AS_FACT, ATTRIBUTED])
    doc = parse_file(path)
    sentences = [w.sentence for w in lint(doc)]
    assert AS_FACT in sentences and "The response was prompt and thorough." in sentences
    assert ATTRIBUTED not in sentences
    assert main(["lint", str(path)]) == 1
    assert AS_FACT in capsys.readouterr().out


def test_lint_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _pdf(tmp_path / "draft.pdf", [PLAIN, AS_FACT, ATTRIBUTED])
    doc = parse_file(path)
    sentences = [w.sentence for w in lint(doc)]
    assert AS_FACT in sentences and ATTRIBUTED not in sentences
    assert main(["lint", str(path), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["warnings"]


def test_lint_clean_pdf_exits_zero(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "clean.pdf", [PLAIN, ATTRIBUTED])
    parse_file(path)
    assert main(["lint", str(path)]) == 0
