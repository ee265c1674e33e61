"""The CLI's commands, one module each (`add_arguments` and `run`), and the options several of them share."""
from __future__ import annotations

import argparse


def add_ocr_argument(parser: argparse.ArgumentParser) -> None:
    """`--ocr auto|always`: whether scans under an earlier OCR's invisible text layer are read again."""
    from redactor.parse import OCR_MODES

    parser.add_argument("--ocr", choices=OCR_MODES, default="auto",
                        help="auto (default): OCR reads PDF pages that have no text layer; always: also the scans "
                             "that carry an invisible text layer from an earlier OCR, of unknown quality")
