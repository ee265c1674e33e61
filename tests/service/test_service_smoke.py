from tests.service.conftest import Env


def test_smoke(env: Env) -> None:
    doc = env.ready_document()
    r = env.admin.get(f"/api/documents/{doc}/review")
    assert r.status_code == 200, r.text
    print(r.json()["spans"][:2], r.json()["statements"])
