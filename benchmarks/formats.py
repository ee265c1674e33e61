#!/usr/bin/env python3
"""Every format an archive holds, measured on the dev corpus against the DOCX route (issue 18).

    python benchmarks/formats.py [--out DIR] [--formats doc,rtf,odt,xlsx,eml] [--no-leakcheck] [--carry-names]

Inputs, made under DIR/inputs (default out/formats):
  doc, rtf, odt  each dev rendering (rendered/<id>.docx) saved by LibreOffice in that format;
  xlsx           the dev merged chronology's table, one row per entry under a header row (cells as text);
  eml            one message per e-mail of the dev e-mail thread (From, Date, To, Cc, Subject headers and the
                 body as plain text), the first with the family liaison note's DOCX rendering attached.
Each is analysed (the real engine) and scored with the eval kit's score.py beside the DOCX route on the
same content: the dev gold for doc/rtf/odt; for xlsx the gold cut to the chronology table; for eml the
gold cut to each message, with its "Sent:" line written as the message's RFC 5322 Date header (what an
.eml holds) and the date in it annotated as in the gold; the attachment against the note's own gold.
Then each input is redacted under every profile (the analysis reused) and the outputs are checked with
leakcheck.py; --publication for the publication profile, as the eval kit's guide says.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "corpus" / "dev"
CHRONOLOGY, THREAD, NOTE = "02_merged-chronology", "10_email-thread", "05_family-liaison-note"
PROFILES = ("publication", "foi", "care-inspectorate")
HEADER = re.compile(r"^(From|Sent|To|Cc|Subject): ?(.*)$")
SUFFIX = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt", "xlsx": ".xlsx", "eml": ".eml"}


def gold(doc_id: str) -> dict[str, Any]:
    return json.loads((DEV / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))


def cut(g: dict[str, Any], start: int, end: int, doc_id: str) -> dict[str, Any]:
    """The gold of text[start:end], its entities and statements moved to the new offsets."""
    def inside(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**e, "start": e["start"] - start, "end": e["end"] - start} for e in items
                if e["start"] >= start and e["end"] <= end]
    return {"id": doc_id, "text": g["text"][start:end], "entities": inside(g["entities"]),
            "statements": inside(g.get("statements", [])), "meta": {}}


# ------------------------------------------------------------------ inputs

def word_inputs(out: Path, fmt: str) -> list[Path]:
    from redactor.convert import convert

    folder = out / "inputs" / fmt
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for src in sorted((DEV / "rendered").glob("*.docx")):
        dest = folder / f"{src.stem}.{fmt}"
        if not dest.exists():
            dest.write_bytes(convert(src.name, src.read_bytes(), "docx", fmt).data)
        made.append(dest)
    return made


def xlsx_input(out: Path, gold_dir: Path) -> list[Path]:
    import openpyxl

    g = gold(CHRONOLOGY)
    table = next(b for b in g["blocks"] if b.get("type") == "table")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    for row in table["rows"]:
        ws.append(row)
    folder = out / "inputs" / "xlsx"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{CHRONOLOGY}.xlsx"
    wb.save(dest)
    first, last = "\t".join(table["rows"][0]), "\t".join(table["rows"][-1])
    start = g["text"].index(first)
    end = g["text"].index(last) + len(last)
    (gold_dir / f"{CHRONOLOGY}.json").write_text(json.dumps(cut(g, start, end, CHRONOLOGY)), encoding="utf-8")
    return [dest]


def _when(sent: str) -> datetime:
    sent = re.sub(r"^[A-Z][a-z]+day\s+", "", sent.strip())
    for fmt in ("%d %B %Y %H:%M", "%d %b %Y %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(sent, fmt)
        except ValueError:
            continue
    raise ValueError(sent)


def eml_inputs(out: Path, gold_dir: Path) -> list[Path]:
    """One .eml per message; the gold of each message with its Sent line as the Date header it became."""
    g = gold(THREAD)
    text = g["text"]
    starts = [m.start() for m in re.finditer(r"(?m)^Message \d+.*$", text)] + [len(text)]
    folder = out / "inputs" / "eml"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n, (a, z) in enumerate(pairwise(starts), 1):
        a = text.index("\n", a) + 1                       # the "Message N" heading is the printout's, not the mail's
        doc_id = f"{THREAD}-{n:02d}"
        part = cut(g, a, z, doc_id)
        lines = part["text"].split("\n")
        headers: list[tuple[str, str]] = []
        while lines and HEADER.match(lines[0]):
            name, value = HEADER.match(lines[0]).groups()   # type: ignore[union-attr]
            headers.append((name, value))
            lines.pop(0)
        msg = EmailMessage()
        for name, value in headers:
            if name == "Sent":
                msg["Date"] = format_datetime(_when(value))
            else:
                msg[name] = value
        msg.set_content("\n".join(lines).rstrip("\n") + "\n")
        if n == 1:
            note = DEV / "rendered" / f"{NOTE}.docx"
            msg.add_attachment(note.read_bytes(), maintype="application",
                               subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                               filename=note.name)
        dest = folder / f"{doc_id}.eml"
        dest.write_bytes(bytes(msg.as_bytes(policy=policy.default)))
        made.append(dest)
        (gold_dir / f"{doc_id}.json").write_text(json.dumps(_with_date_header(part, headers, msg)), encoding="utf-8")
    (gold_dir / f"{NOTE}.json").write_text(json.dumps(gold(NOTE)), encoding="utf-8")
    return made


def _with_date_header(part: dict[str, Any], headers: list[tuple[str, str]], msg: EmailMessage) -> dict[str, Any]:
    """The message's gold with "Sent: <as printed>" rewritten to the Date header, its date annotated."""
    sent = next((v for k, v in headers if k == "Sent"), None)
    if sent is None:
        return part
    old = f"Sent: {sent}"
    at = part["text"].index(old)
    new_value = str(msg["Date"])
    new = f"Date: {new_value}"
    shift = len(new) - len(old)
    ents = []
    for e in part["entities"]:
        if e["start"] >= at + len(old):
            ents.append({**e, "start": e["start"] + shift, "end": e["end"] + shift})
        elif e["end"] <= at:
            ents.append(e)
    m = re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}", new_value)
    if m:
        s = at + len("Date: ") + m.start()
        ents.append({"start": s, "end": s + len(m.group(0)), "label": "DATE", "text": m.group(0)})
    stmts = [{**s, "start": s["start"] + shift, "end": s["end"] + shift} if s["start"] >= at + len(old) else s
             for s in part["statements"]]
    return {**part, "text": part["text"][:at] + new + part["text"][at + len(old):],
            "entities": sorted(ents, key=lambda e: e["start"]), "statements": stmts}


# ------------------------------------------------------------------ analysis, scores, redaction

REGISTER: Any = None    # the case register given with --register, if any
CARRY = False           # --carry-names: each format's files are one case, as `redactor batch --carry-names` runs it


def analyse_all(paths: list[Path], pred_dir: Path, carry: bool = False) -> dict[Path, Any]:
    from redactor.pipeline import analyse, parse_file, to_json

    pred_dir.mkdir(parents=True, exist_ok=True)
    done = {}
    case = None
    if carry:   # the first pass: the full names each file holds, then every file analysed with them known
        from redactor.analyse.case_names import CaseNames, collect_full_names

        found = {}
        for path in paths:
            doc = parse_file(path)
            found[doc.sha256] = collect_full_names(analyse(doc, REGISTER).spans)
        case = CaseNames.from_documents(found)
        print(f"      carrying {len(case)} full name(s) found in {len(paths)} file(s)", flush=True)
    for path in paths:
        doc = parse_file(path)
        analysis = analyse(doc, REGISTER, case)
        (pred_dir / f"{path.stem}.json").write_text(json.dumps(to_json(doc, analysis), ensure_ascii=False),
                                                   encoding="utf-8")
        done[path] = (doc, analysis)
    return done


def attachment_prediction(doc: Any, analysis: Any, pred_dir: Path) -> None:
    """The attached note's stretch of the first message, as a prediction for the note's own gold."""
    [att] = doc.metadata["attachments"]
    a, z = att["start"], att["end"]
    spans = [{**s.to_json(), "start": s.start - a, "end": s.end - a} for s in analysis.spans if a <= s.start < z]
    stmts = [{**s.to_json(), "start": s.start - a, "end": s.end - a} for s in analysis.statements if a <= s.start < z]
    (pred_dir / f"{NOTE}.json").write_text(json.dumps({"text": doc.text[a:z], "spans": spans, "statements": stmts}),
                                           encoding="utf-8")


def score(gold_dir: Path, pred_dir: Path) -> dict[str, Any]:
    r = subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(gold_dir), "--pred", str(pred_dir),
                        "--json"], capture_output=True, text=True, check=True)
    return dict(json.loads(r.stdout))


def redact_all(analysed: dict[Path, Any], out_dir: Path) -> dict[str, Any]:
    from redactor.anonymise.profiles import load_profile
    from redactor.anonymise.pseudonyms import PseudonymMap, seed_from_register
    from redactor.errors import RedactorError
    from redactor.pipeline import net_findings, redact
    from redactor.review import apply_decisions

    failures: dict[str, str] = {}
    for name in PROFILES:
        profile = load_profile(name)
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        for path, (doc, analysis) in analysed.items():
            # what redact_document does unattended, on the document already parsed (no second conversion)
            spans = net_findings(apply_decisions(analysis.spans, [], doc.text), profile, False)
            pmap = seed_from_register(PseudonymMap(), REGISTER)
            try:
                result = redact(doc, doc.converted or path.read_bytes(), spans, analysis.statements, profile, pmap)
            except RedactorError as exc:
                failures[f"{name}/{path.name}"] = str(exc)
                continue
            (folder / f"{path.stem}.{result.fmt if result.fmt != 'text' else 'txt'}").write_bytes(result.data)
    return failures


def _save_attachment(eml: Path, dest: Path) -> None:
    """The (one) attachment of a redacted message, decoded (leakcheck.py reads an .eml's parts as text)."""
    from email import message_from_bytes

    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    [att] = list(msg.iter_attachments())   # type: ignore[attr-defined]
    dest.write_bytes(att.get_payload(decode=True))


def leakcheck(gold_dir: Path, out_dir: Path) -> dict[str, Any]:
    out = {}
    for name in PROFILES:
        cmd = [sys.executable, str(EVAL / "leakcheck.py"), "--gold", str(gold_dir), "--rendered", str(DEV / "rendered"),
               "--out", str(out_dir / name), "--json"]
        if name == "publication":
            cmd.append("--publication")
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
        s = json.loads(r.stdout)
        out[name] = {k: s[k] for k in ("files", "identifying_words_checked", "leaks", "min_kept_share")}
    return out


BROKEN = {"bad.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
          "bad.rtf": b"{\\rtf1\\ansi{\\fonttbl" + bytes(range(256)) * 4,
          "bad.odt": b"PK\x03\x04" + b"junk" * 50, "bad.docx": b"PK\x03\x04" + b"junk" * 50,
          "bad.xlsx": b"PK\x03\x04" + b"junk" * 50, "bad.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
          "bad.ods": b"PK\x03\x04" + b"junk" * 50, "bad.eml": b"no headers here\n\njust words\n",
          "bad.msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "scan.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
          "~$lock.docx": b"lock", "budget.numbers": b"PK\x03\x04"}


def batch_run(out: Path) -> dict[str, Any]:
    """`redactor batch` over a mixed folder: one input of each format made above, one broken file of each."""
    archive = out / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    (archive / "broken").mkdir(parents=True)
    for fmt, suffix in SUFFIX.items():
        made = sorted((out / "inputs" / fmt).glob(f"*{suffix}"))
        if made:
            shutil.copy(made[0], archive / made[0].name.replace(made[0].stem, f"{made[0].stem}-{fmt}"))
    from redactor.convert import convert

    workbook = out / "inputs" / "xlsx" / f"{CHRONOLOGY}.xlsx"
    if workbook.exists():
        for fmt in ("xls", "ods"):
            made_sheet = convert(workbook.name, workbook.read_bytes(), "xlsx", fmt).data
            (archive / f"{CHRONOLOGY}-{fmt}.{fmt}").write_bytes(made_sheet)
    shutil.copy(DEV / "rendered" / f"{NOTE}.docx", archive / f"{NOTE}.docx")
    shutil.copy(DEV / "rendered" / f"{NOTE}.pdf", archive / f"{NOTE}.pdf")
    for name, data in BROKEN.items():
        (archive / "broken" / name).write_bytes(data)
    red = out / "archive-redacted"
    shutil.rmtree(red, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "redactor.cli", "batch", str(archive), "--profile", "publication", "--out",
                    str(red), "--workers", "1", "--no-progress"], cwd=ROOT, check=False)
    report = json.loads((red / "batch-report.json").read_text(encoding="utf-8"))
    print(f"batch over {report['totals']['files']} files in {time.perf_counter() - started:.1f} s:")
    for f in sorted(report["files"], key=lambda f: f["path"]):
        print(f"  {f['path']:45} {f['status']:8} {f['reason'][:110]}")
    print("by format:", json.dumps(report["totals"]["by_format"]))
    return dict(report["totals"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "formats")
    ap.add_argument("--formats", default="doc,rtf,odt,xlsx,eml")
    ap.add_argument("--no-leakcheck", action="store_true")
    ap.add_argument("--batch", action="store_true", help="also run `redactor batch` over a mixed folder of them")
    ap.add_argument("--batch-only", action="store_true", help="only the batch run, over inputs made before")
    ap.add_argument("--register", type=Path, help="a case register to analyse and redact with (every format)")
    ap.add_argument("--carry-names", action="store_true",
                    help="each format's files as one case, names carried across them (batch --carry-names)")
    args = ap.parse_args()
    global CARRY
    CARRY = args.carry_names
    sys.path.insert(0, str(ROOT))
    if args.register:
        global REGISTER
        from redactor.register import load_register

        REGISTER = load_register(args.register)
    if args.batch_only:
        batch_run(args.out)
        return 0
    formats = args.formats.split(",")
    results: dict[str, Any] = {}
    t0 = time.perf_counter()
    analyse_all(sorted((DEV / "rendered").glob("*.docx")), args.out / "pred" / "docx")
    base = score(DEV / "gold", args.out / "pred" / "docx")
    results["docx"] = {"scores": base}
    for fmt in formats:
        gold_dir = args.out / "gold" / fmt
        shutil.rmtree(gold_dir, ignore_errors=True)
        gold_dir.mkdir(parents=True)
        started = time.perf_counter()
        if fmt in ("doc", "rtf", "odt"):
            paths = word_inputs(args.out, fmt)
            for g in (DEV / "gold").glob("*.json"):
                shutil.copy(g, gold_dir / g.name)
        elif fmt == "xlsx":
            paths = xlsx_input(args.out, gold_dir)
        else:
            paths = eml_inputs(args.out, gold_dir)
        pred_dir = args.out / "pred" / fmt
        shutil.rmtree(pred_dir, ignore_errors=True)
        analysed = analyse_all(paths, pred_dir, CARRY)
        entry: dict[str, Any] = {"files": len(paths), "seconds": round(time.perf_counter() - started, 1)}
        if fmt == "eml":
            first = next(p for p in paths if p.stem.endswith("-01"))
            attachment_prediction(*analysed[first], pred_dir)
            # the DOCX route on the same content: the thread's and the note's renderings
            same = args.out / "pred" / "docx-for-eml"
            shutil.rmtree(same, ignore_errors=True)
            same.mkdir(parents=True)
            for g in gold_dir.glob("*.json"):
                src = NOTE if g.stem == NOTE else THREAD
                shutil.copy(args.out / "pred" / "docx" / f"{src}.json", same / g.name)
            entry["docx_same_content"] = score(gold_dir, same)
        elif fmt == "xlsx":
            same = args.out / "pred" / "docx-for-xlsx"
            shutil.rmtree(same, ignore_errors=True)
            same.mkdir(parents=True)
            shutil.copy(args.out / "pred" / "docx" / f"{CHRONOLOGY}.json", same / f"{CHRONOLOGY}.json")
            entry["docx_same_content"] = score(gold_dir, same)
        else:
            entry["docx_same_content"] = base
        entry["scores"] = score(gold_dir, pred_dir)
        if not args.no_leakcheck:
            red = args.out / "redacted" / fmt
            shutil.rmtree(red, ignore_errors=True)
            entry["redaction_failures"] = redact_all(analysed, red)
            if fmt == "eml":   # the first message's redacted attachment, under the note's name, checked on its own
                for name in PROFILES:
                    first = red / name / f"{THREAD}-01.eml"
                    if first.exists():
                        _save_attachment(first, red / name / f"{NOTE}.docx")
            entry["leakcheck"] = leakcheck(gold_dir, red)
        results[fmt] = entry
        print_row(fmt, entry)
    if args.batch:
        results["batch"] = batch_run(args.out)
    results["seconds"] = round(time.perf_counter() - t0, 1)
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"total {results['seconds']} s; details in {args.out / 'results.json'}")
    return 0


def print_row(fmt: str, e: dict[str, Any]) -> None:
    s, d = e["scores"], e["docx_same_content"]
    line = (f"{fmt:5} files {e['files']:2}  direct recall {s['direct_token_recall']:.4f} (DOCX "
            f"{d['direct_token_recall']:.4f})  quasi recall {s['quasi_token_recall']:.4f} (DOCX "
            f"{d['quasi_token_recall']:.4f})  direct entity recall {s['direct_entity_recall']:.4f} (DOCX "
            f"{d['direct_entity_recall']:.4f})  precision {s['token_precision']:.4f}")
    if "leakcheck" in e:
        lc = "; ".join(f"{p} leaks {v['leaks']} of {v['identifying_words_checked']} words in {v['files']} files"
                       for p, v in e["leakcheck"].items())
        line += f"\n      {lc}; redaction failures {len(e['redaction_failures'])}"
        for k, v in e["redaction_failures"].items():
            line += f"\n      FAILED {k}: {v[:200]}"
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
