"""`redactor batch INPUT_DIR --profile P --out OUT_DIR`: redact a whole archive, resumably, in parallel."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from redactor.commands import add_ocr_argument
from redactor.parse import DEFAULT_MAX_BYTES


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `redactor batch`."""
    p.add_argument("input_dir", type=Path, metavar="INPUT_DIR", help="the folder tree of documents to redact")
    p.add_argument("--profile", "-p", required=True, help="publication, foi, care-inspectorate, or a profile YAML file")
    p.add_argument("--out", "-o", required=True, type=Path, metavar="OUT_DIR",
                   help="output folder: the input tree mirrored, each output's log beside it, the manifest and report")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                   help="local worker processes, each loading the NLP engine once (default: CPU count)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing Dask distributed cluster, e.g. tcp://10.0.0.5:8786 (--workers ignored)")
    p.add_argument("--register", type=Path, help="case register (YAML or CSV) of known people, used for every file")
    p.add_argument("--carry-names", action="store_true",
                   help="analyse every file first, then look for the full names found in any of them in all of them "
                        "(a first name or surname alone, in a message that never gives the full name)")
    p.add_argument("--keep-format", action="store_true",
                   help="write a .doc/.rtf/.odt/.xls/.ods back in its own format (converted back by LibreOffice and "
                        "verified again) instead of as .docx/.xlsx")
    p.add_argument("--report", type=Path, metavar="FILE",
                   help="report JSON path; the HTML page is written beside it (default OUT_DIR/batch-report.json)")
    p.add_argument("--review-threshold", type=float, default=0.6, metavar="SCORE",
                   help="findings scoring below this are listed for a human look (default 0.6)")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"files larger than this are recorded as failed (default {DEFAULT_MAX_BYTES:,})")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (for logs and cron jobs)")
    add_ocr_argument(p)


def run(args: argparse.Namespace) -> int:
    """Run the batch; exit 0 when every document was redacted, 1 when any failed, 130 when interrupted."""
    from rich.console import Console

    from redactor.batch import BatchOptions, run_batch
    from redactor.batch.progress import RichProgress
    from redactor.errors import InputError

    if args.workers < 1:
        raise InputError(f"--workers must be at least 1, not {args.workers}")
    if not 0.0 <= args.review_threshold <= 1.0:
        raise InputError(f"--review-threshold must be between 0 and 1, not {args.review_threshold}")
    opts = BatchOptions(input_dir=args.input_dir, out_dir=args.out, profile=args.profile, workers=args.workers,
                        register=args.register, report=args.report, scheduler=args.scheduler,
                        max_bytes=args.max_bytes, review_threshold=args.review_threshold,
                        carry_names=args.carry_names, keep_format=args.keep_format, ocr=args.ocr)
    console = Console(stderr=True)
    outcome = run_batch(opts, None if args.no_progress else RichProgress(console))
    peak = max(outcome.peak_rss.values(), default=0)
    console.print(
        f"{outcome.files} file(s): {outcome.done} redacted now, {outcome.already_done} already done, "
        f"{outcome.failed} failed, {outcome.skipped} skipped; {outcome.words:,} words in {outcome.seconds:.1f} s "
        f"({outcome.words_per_second:,.0f} words/s); peak worker memory {peak / 2**20:,.0f} MiB",
        highlight=False, soft_wrap=True)
    console.print(f"report: {outcome.report_json} and {outcome.report_html}", highlight=False, soft_wrap=True)
    if outcome.interrupted:
        console.print("interrupted: re-run the same command to resume where it stopped", highlight=False,
                      soft_wrap=True)
    elif outcome.failed:
        console.print(f"{outcome.failed} file(s) failed; see the report. A re-run retries them.", highlight=False,
                      soft_wrap=True)
    return outcome.exit_code
