"""The FOI exemptions a reviewer may give for a redaction (rules/foi-exemptions.yaml): code -> the schedule's note."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from redactor.errors import ProfileError

EXEMPTIONS_FILE = Path(__file__).resolve().parents[2] / "rules" / "foi-exemptions.yaml"


@cache
def foi_exemptions(path: Path = EXEMPTIONS_FILE) -> dict[str, str]:
    """Exemption code -> title, in the file's order; a malformed file fails at load with the entry named."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: cannot read the FOI exemptions ({type(exc).__name__})") from exc
    items = data.get("exemptions") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ProfileError(f"{path.name}: expected an 'exemptions:' list of {{code, title}}")
    out: dict[str, str] = {}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("code") or "").strip() or not item.get("title"):
            raise ProfileError(f"{path.name}: exemption {n} needs a code and a title")
        code = str(item["code"]).strip()
        if code in out:
            raise ProfileError(f"{path.name}: exemption {code} is listed twice")
        out[code] = str(item["title"]).strip()
    return out
