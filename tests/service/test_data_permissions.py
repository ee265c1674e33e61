"""The data folder is owner-only: folders 0700, files 0600 (database, secret, originals, exports), under the
usual 022 umask and when the folder was there already with looser modes."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.service.conftest import PARAGRAPHS, add_user, login, make_docx, make_settings, wait_ready


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of everything under root (and root itself), by relative path."""
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        out[path.relative_to(root).as_posix()] = stat.S_IMODE(path.stat().st_mode)
    return out


@pytest.mark.usefixtures("usual_umask")
def test_everything_in_the_data_folder_is_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "documents").mkdir(mode=0o777)
    (data / "documents").chmod(0o777)
    app = create_app(make_settings(tmp_path))
    add_user(app, "ada", "admin")
    with TestClient(app) as c:
        login(c, "ada")
        case = c.post("/api/cases", json={"name": "Case A"}).json()["id"]
        doc = c.post(f"/api/cases/{case}/documents", files={"file": ("report.docx", make_docx(PARAGRAPHS))}).json()
        assert wait_ready(c, doc["id"])["status"] == "ready"
        export = c.post(f"/api/documents/{doc['id']}/exports",
                        json={"profile": "publication", "confirm_unreviewed": True})
        assert export.status_code == 201, export.text
    found = modes(data)
    files = {p for p in found if (data / p).is_file()}
    assert {"redactor.sqlite3", "secret.key"} <= files
    assert any(p.startswith("documents/") and p.endswith(".docx") for p in files)
    assert any(p.startswith("exports/") for p in files)
    loose = {p: oct(m) for p, m in found.items() if m != (0o600 if p in files else 0o700)}
    assert loose == {}
