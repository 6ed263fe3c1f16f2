"""The audit log: sign-ins, throttles, resets, sessions and admin changes are kept with who,
when, address and browser; admins filter, page and download it; nothing in the app edits it."""

from __future__ import annotations

import ast
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.domain.audit import AuditKind
from app.extensions import db
from app.models import AuditEntry
from app.rate_limits import app_limiter
from app.services.accounts.recovery import request_password_reset, reset_password
from app.services.accounts.teams import save_team
from app.services.audit.record import audit
from tests import factories

BROWSER = {"User-Agent": "AuditTest/1.0 (like Gecko)"}
APP = Path(__file__).resolve().parents[3] / "app"


def entries(kind: AuditKind | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if kind is not None:
        query = query.where(AuditEntry.kind == kind.value)
    return list(db.session.scalars(query))


def test_sign_ins_and_failures_are_kept_with_address_and_browser(client):
    user = factories.make_agent()
    client.post("/auth/login", data={"email": user.email, "password": "wrong-one"}, headers=BROWSER)
    client.post("/auth/login", data={"email": "ghost@example.test", "password": "x"}, headers=BROWSER)
    client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}, headers=BROWSER)
    failed = entries(AuditKind.sign_in_failed)
    assert [e.email for e in failed] == [user.email, "ghost@example.test"]
    signed_in = entries(AuditKind.sign_in)[0]
    assert (signed_in.actor_id, signed_in.address, signed_in.user_agent) == (
        user.id,
        "127.0.0.1",
        BROWSER["User-Agent"],
    )


def test_waits_throttles_resets_and_sessions_are_kept(app, client, monkeypatch):
    user = factories.make_agent()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        client.post("/auth/login", data={"email": user.email, "password": "wrong-one"})
    assert entries(AuditKind.sign_in_waiting)[0].email == user.email
    app_limiter().reset()
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT", "1 per minute")
    client.post("/auth/login", data={"email": "a@example.test", "password": "x"})
    client.post("/auth/login", data={"email": "b@example.test", "password": "x"})
    app_limiter().reset()
    assert entries(AuditKind.throttled)[0].email == "b@example.test"
    links: list[str] = []
    request_password_reset(user.email, links.append)
    reset_password(links[0].rsplit("/", 1)[-1], "a-brand-new-password-7")
    assert entries(AuditKind.password_reset_requested)[0].email == user.email
    assert entries(AuditKind.password_reset)[0].actor_id == user.id
    client.post("/auth/login", data={"email": user.email, "password": "a-brand-new-password-7"})
    client.post("/auth/security/sign-out-everywhere")
    assert entries(AuditKind.sessions_ended)[0].actor_id == user.id


def test_admin_changes_are_kept(client, login_as):
    admin = factories.make_admin()
    login_as(admin)
    client.post(
        "/admin/users/new",
        data={
            "name": "New Agent",
            "email": "new.agent@example.test",
            "password": "a-brand-new-password-7",
            "role": "agent",
            "support_tier": "2",
        },
    )
    save_team(admin, name="Vendors", tier=4, is_external=True)
    created = entries(AuditKind.user_created)
    assert created and created[0].actor_id == admin.id and created[0].data["support_tier"] == 2
    assert entries(AuditKind.team_saved)[0].summary.startswith(f"{admin.name} saved team Vendors")


def test_admins_filter_page_and_download_the_log(client, login_as):
    admin = factories.make_admin(email="boss@example.test")
    for n in range(55):
        audit(AuditKind.sign_in_failed, f"attempt {n}", email="target@example.test")
    audit(
        AuditKind.sign_in_failed,
        "old one",
        email="=HYPERLINK(evil)",
        now=datetime(2020, 1, 1, tzinfo=UTC),
    )
    login_as(admin)
    first = client.get("/admin/audit/?kind=sign_in_failed&person=target@example.test")
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert page.count("attempt ") == 50 and "attempt 54" in page and "attempt 4<" not in page
    assert "old one" not in page
    next_link = next(
        part.split('"')[0].replace("&amp;", "&") for part in page.split('href="') if "before=" in part
    )
    second = client.get(next_link).get_data(as_text=True)
    assert second.count("attempt ") == 5 and "attempt 0<" in second
    dated = client.get("/admin/audit/?since=2019-12-31&until=2020-01-01").get_data(as_text=True)
    assert "old one" in dated and "attempt" not in dated
    assert client.get("/admin/audit/?since=yesterday").status_code == 400
    assert client.get("/admin/audit/?kind=nonsense").status_code == 400
    download = client.get("/admin/audit/export.csv?until=2020-01-01")
    assert download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "when", "kind"] and len(rows) == 2
    assert rows[1][4] == "'=hyperlink(evil)"  # never a formula in a spreadsheet
    exported = entries(AuditKind.audit_exported)
    assert exported[0].actor_id == admin.id and exported[0].data == {"until": "2020-01-01"}


def test_no_route_writes_the_log_and_only_the_recorder_touches_its_rows(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    allowed = {
        APP / "models" / "audit.py",
        APP / "models" / "__init__.py",
        APP / "services" / "audit" / "record.py",
        APP / "services" / "audit" / "read.py",
    }
    for path in APP.rglob("*.py"):
        source = path.read_text()
        if path not in allowed:
            assert "AuditEntry" not in source and "audit_entries" not in source, path
    reader = ast.parse((APP / "services" / "audit" / "read.py").read_text())
    for node in ast.walk(reader):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            assert name not in {"add", "delete", "update", "merge", "execute"}, name
