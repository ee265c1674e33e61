#!/usr/bin/env python3
"""Build the safety net's vocabulary of known-safe words, rules/vocabulary/safe_words.txt.gz.

Run by hand when the sources change (the list is committed; nothing is read at run time):
    apt-get install wbritish wbritish-large && python scripts/build_vocabulary.py

Sources:
  * SCOWL through Debian's wbritish-large (/usr/share/dict/british-english-large; SCOWL size 70,
    British spelling; copyright Kevin Atkinson and others, a permissive licence that allows
    redistribution with the notice, see /usr/share/doc/wbritish-large/copyright). Only entries
    written in lower case are kept: an entry with a capital ("Glasgow", "Mohammed") is a proper noun
    and is exactly what the net must not vouch for.
  * The name gazetteers (rules/gazetteers/first_names.txt, surnames.txt): a word of the large list
    that is also a name and not in the everyday list (rules/gazetteers/english_words.txt.gz, SCOWL
    size 50) is left out ("barton", "carney", "costa"): as a word it is rare, as a name common.
"""
from __future__ import annotations

import gzip
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LARGE = Path("/usr/share/dict/british-english-large")
OUT = ROOT / "rules" / "vocabulary" / "safe_words.txt.gz"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("’", "'")


def read_list(path: Path) -> set[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return {line.strip() for line in fh if line.strip() and not line.startswith("#")}


def main() -> int:
    if not LARGE.exists():
        print(f"{LARGE} is missing: apt-get install wbritish-large", file=sys.stderr)
        return 2
    large = {w for w in LARGE.read_text(encoding="utf-8", errors="replace").split() if w[:1].islower()}
    everyday = read_list(ROOT / "rules" / "gazetteers" / "english_words.txt.gz")
    gaz = ROOT / "rules" / "gazetteers"
    names = {fold(n) for n in read_list(gaz / "first_names.txt") | read_list(gaz / "surnames.txt")}
    safe = sorted(everyday | {w for w in large if fold(w) not in names})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = ("# Known-safe ordinary words for the safety net: lower-case entries of SCOWL (wbritish-large),\n"
              "# less rare words that are also common names; built by scripts/build_vocabulary.py\n")
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:
        fh.write((header + "\n".join(safe) + "\n").encode("utf-8"))
    print(f"{OUT.relative_to(ROOT)}: {len(safe)} words ({len(large) - len(safe) + len(everyday - large)} left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
