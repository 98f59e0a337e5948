"""Passwords, tokens, sessions with CSRF, throttling and the audit log."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from dudao.server import audit
from dudao.server.db import accounts, tokens

from .conftest import PASSWORD


def sign_in(live: Any, username: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        live.url + "/api/v1/auth/token", data={"username": username, "password": password}
    )


def codes(r: httpx.Response) -> list[str]:
    return [p["code"] for p in r.json()["problems"]]


def test_passwords_are_stored_as_argon2id_hashes_and_tokens_as_digests(live_sqlite: Any) -> None:
    r = sign_in(live_sqlite, "qx-staff")
    assert r.status_code == 200
    raw = r.json()["access_token"]
    with live_sqlite.service.read() as conn:
        stored = conn.execute(
            sa.select(accounts.c.password_hash).where(accounts.c.username == "qx-staff")
        ).scalar_one()
        hashes = [h for (h,) in conn.execute(sa.select(tokens.c.token_hash))]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert raw not in hashes and all(len(h) == 64 for h in hashes)
    me = httpx.get(live_sqlite.url + "/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["account"]["username"] == "qx-staff"
    # a revoked token is refused from then on
    out = httpx.delete(
        live_sqlite.url + "/api/v1/auth/token", headers={"Authorization": f"Bearer {raw}"}
    )
    assert out.status_code == 204
    again = httpx.get(
        live_sqlite.url + "/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"}
    )
    assert again.status_code == 401


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(live_sqlite: Any) -> None:
    wrong = sign_in(live_sqlite, "xn-staff", "not-the-password")
    nobody = sign_in(live_sqlite, "no-such-user", "whatever-password")
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()


def test_sign_in_is_throttled_per_user_name(live_sqlite: Any) -> None:
    live_sqlite.add_account("throttled", "450107", ("viewer",))
    for _ in range(5):
        assert sign_in(live_sqlite, "throttled", "wrong-password").status_code == 401
    # now even the right password is refused, for this user only
    blocked = sign_in(live_sqlite, "throttled")
    assert blocked.status_code == 429 and codes(blocked) == ["too-many-attempts"]
    assert sign_in(live_sqlite, "xn-staff").status_code == 200


def test_a_browser_session_needs_the_csrf_token_to_change_anything(live_sqlite: Any) -> None:
    with httpx.Client(base_url=live_sqlite.url) as browser:
        r = browser.post(
            "/api/v1/auth/session", data={"username": "nn-staff", "password": PASSWORD}
        )
        assert r.status_code == 200
        token = r.json()["csrf_token"]
        cookie = r.headers["set-cookie"].lower()
        assert "samesite=lax" in cookie and "httponly" in cookie
        assert browser.get("/api/v1/auth/me").status_code == 200  # reading needs none
        body = {"target": "450103", "date": "2023-03-01"}
        forged = browser.post("/api/v1/cases", json=body)
        assert forged.status_code == 403 and codes(forged) == ["csrf"]
        wrong = browser.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": "x" + token})
        assert wrong.status_code == 403
        ok = browser.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": token})
        assert ok.status_code == 201
        # a form post carries it as the hidden field csrf_token
        form = browser.post(
            "/api/v1/submissions",
            data={"unit": "450103", "year": "2023", "csrf_token": token},
            files=[("files", ("budgets.csv", b"jurisdiction,year,amount\n450103,2023,1\n"))],
        )
        assert form.status_code == 201, form.text
        no_field = browser.post(
            "/api/v1/submissions",
            data={"unit": "450103", "year": "2023"},
            files=[("files", ("budgets.csv", b"jurisdiction,year,amount\n450103,2023,1\n"))],
        )
        assert no_field.status_code == 403
        assert browser.delete("/api/v1/auth/session").status_code == 204
        assert browser.get("/api/v1/auth/me").status_code == 401


def test_a_deactivated_account_is_out_at_once(live_sqlite: Any) -> None:
    live_sqlite.add_account("leaver", "450107", ("staff",))
    leaver = live_sqlite.client("leaver")
    assert leaver.get("/api/v1/auth/me").status_code == 200
    admin = live_sqlite.client("nn-admin")
    found = [
        a
        for a in admin.get("/api/v1/accounts", params={"limit": 500}).json()["items"]
        if a["username"] == "leaver"
    ]
    r = admin.patch(f"/api/v1/accounts/{found[0]['id']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert leaver.get("/api/v1/auth/me").status_code == 401


def test_administrators_manage_accounts_only_in_their_subtree(live_sqlite: Any) -> None:
    nn_admin, lz_admin = live_sqlite.client("nn-admin"), live_sqlite.client("lz-admin")
    new = {"username": "qx-new", "password": "long-enough", "unit": "450103", "roles": ["staff"]}
    assert nn_admin.post("/api/v1/accounts", json=new).status_code == 201
    assert nn_admin.post("/api/v1/accounts", json=new).status_code == 409
    beside = {**new, "username": "lz-new", "unit": "450202"}
    assert nn_admin.post("/api/v1/accounts", json=beside).status_code == 403
    above = {**new, "username": "gx-new", "unit": "450000"}
    assert nn_admin.post("/api/v1/accounts", json=above).status_code == 403
    seen = {a["unit"] for a in lz_admin.get("/api/v1/accounts").json()["items"]}
    assert seen and all(u.startswith("4502") for u in seen)
    staff = live_sqlite.client("nn-staff")
    assert staff.get("/api/v1/accounts").status_code == 403
    assert staff.post("/api/v1/accounts", json={**new, "username": "x2"}).status_code == 403


def test_every_write_leaves_one_audit_row_readable_in_the_subtree(live_sqlite: Any) -> None:
    service = live_sqlite.service
    with service.read() as conn:
        before = audit.count(conn)
    nn = live_sqlite.client("nn-staff")
    made = nn.post("/api/v1/cases", json={"target": "450105", "date": "2023-03-01"})
    step = nn.post(
        f"/api/v1/cases/{made.json()['case']['case_id']}/events",
        headers={"If-Match": made.headers["ETag"]},
        json={"step": "feedback", "date": "2023-03-02", "payload": {"mode": "written"}},
    )
    refused = nn.post("/api/v1/cases", json={"target": "450202", "date": "2023-03-01"})
    assert (made.status_code, step.status_code, refused.status_code) == (201, 201, 404)
    with service.read() as conn:
        after = audit.count(conn)
    assert after - before == 2  # two writes; nothing for the refusal
    log = live_sqlite.client("nn-admin").get("/api/v1/audit", params={"limit": 5}).json()
    newest = log["items"][0]
    assert (newest["action"], newest["username"], newest["unit"]) == (
        "advance",
        "nn-staff",
        "450105",
    )
    assert newest["address"] == "127.0.0.1" and newest["detail"]["step"] == "feedback"
    lz_log = live_sqlite.client("lz-admin").get("/api/v1/audit", params={"limit": 500}).json()
    assert all(row["unit"].startswith("4502") for row in lz_log["items"])
    assert live_sqlite.client("nn-staff").get("/api/v1/audit").status_code == 403


def test_errors_are_problems_in_json(live_sqlite: Any) -> None:
    nn = live_sqlite.client("nn-staff")
    missing = nn.get("/api/v1/nowhere")
    assert missing.status_code == 404 and codes(missing) == ["not-found"]
    bad = nn.post("/api/v1/cases", json={"target": "450103"})
    assert bad.status_code == 422
    (p,) = bad.json()["problems"]
    assert p["path"] == ["date"] and p["source"] == "body" and p["hint"]
