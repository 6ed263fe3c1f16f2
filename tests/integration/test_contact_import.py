"""Importing organizations and contacts from CSV: all rows or none, every problem by line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.errors import NotAllowed
from app.domain.vocabulary import AccountTier, LifecycleStage
from app.extensions import db
from app.models import Activity, Customer, Organization
from app.services.relationship.contact_import import import_contacts
from tests.factories import make_admin, make_agent

HEADER = "organization,account_tier,lifecycle_stage,lifetime_value,contact_name,contact_email,timezone\n"
GOOD = (
    HEADER
    + "Globex,strategic,expansion,1250000.50,Hank Scorpio,hank@globex.test,America/New_York\n"
    + "Globex,strategic,expansion,1250000.50,Frank Grimes,frank@globex.test,America/New_York\n"
    + "Acme,inside,activation,900,,,\n"
)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Organization)),
        db.session.scalar(select(func.count()).select_from(Customer)),
    )


def test_a_good_file_creates_organizations_and_contacts_in_cents(now):
    report = import_contacts(make_admin(), GOOD.encode(), now=now)
    assert report.applied and report.errors == []
    assert (report.orgs_created, report.contacts_created) == (2, 2)
    globex = db.session.scalars(select(Organization).where(Organization.name == "Globex")).one()
    assert (globex.lifetime_value, globex.account_tier, globex.timezone) == (
        125000050,
        AccountTier.strategic,
        "America/New_York",
    )
    assert db.session.scalars(select(Customer.organization_id)).all() == [globex.id, globex.id]


def test_importing_again_updates_and_records_account_changes(now):
    admin = make_admin()
    import_contacts(admin, GOOD.encode(), now=now)
    changed = GOOD.replace("strategic,expansion", "named,retention").replace("Hank Scorpio", "Hank S.")
    report = import_contacts(admin, changed.encode(), now=now)
    assert (report.orgs_created, report.orgs_updated, report.contacts_updated) == (0, 1, 2)
    assert counts() == (2, 2)
    globex = db.session.scalars(select(Organization).where(Organization.name == "Globex")).one()
    assert globex.lifecycle_stage is LifecycleStage.retention
    kinds = db.session.scalars(select(Activity.kind).where(Activity.organization_id == globex.id)).all()
    assert sorted(kinds) == ["account_tier_changed", "lifecycle_changed"]


def test_good_bad_and_duplicate_rows_are_reported_by_line_and_nothing_is_written(now):
    data = (
        HEADER
        + "Globex,strategic,expansion,10,Hank,hank@globex.test,\n"
        + "Initech,gold,retention,10,Bill,bill@initech.test,\n"
        + "Umbrella,named,retention,lots,Alice,alice@umbrella.test,\n"
        + "Stark,named,retention,10,Tony,hank@globex.test,\n"
        + "Wayne,named,retention,10,Bruce,not-an-email,\n"
        + "Globex,named,expansion,10,Other,other@globex.test,\n"
        + "Oscorp,named,retention,10,Norman,norman@oscorp.test,Mars/Base\n"
    )
    report = import_contacts(make_admin(), data.encode(), now=now)
    assert not report.applied
    assert report.errors == [
        "line 3: account_tier 'gold' is not one of strategic, named, field, inside",
        "line 4: lifetime_value 'lots' is not a number",
        "line 5: hank@globex.test is already on line 2",
        "line 6: 'not-an-email' is not an email address",
        "line 7: Globex appears on line 2 with other facts",
        "line 8: timezone 'Mars/Base' is not an IANA name such as Europe/Berlin",
    ]
    assert counts() == (0, 0)


def test_a_dry_run_reports_and_writes_nothing(now):
    report = import_contacts(make_admin(), GOOD.encode(), dry_run=True, now=now)
    assert (report.orgs_created, report.contacts_created, report.applied) == (2, 2, False)
    assert counts() == (0, 0)


def test_broken_files_are_refused_with_a_sentence(now):
    admin = make_admin()
    assert import_contacts(admin, b"name,email\nx,y\n", now=now).errors == [
        "line 1: the header lacks organization, account_tier, lifecycle_stage, lifetime_value, "
        "contact_name, contact_email"
    ]
    assert "not UTF-8" in import_contacts(admin, b"\xff\xfe\x00bad", now=now).errors[0]


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_amounts_that_are_no_number_are_refused_by_line(now, amount):
    data = HEADER + f"Acme,inside,activation,{amount},Ann,ann@acme.test,\n"
    report = import_contacts(make_admin(), data.encode(), now=now)
    assert report.errors == [f"line 2: lifetime_value '{amount}' is not a number"]
    assert counts() == (0, 0)


def test_an_amount_past_any_account_is_refused_by_line(now):
    data = HEADER + "Acme,inside,activation,1E+999999,Ann,ann@acme.test,\n"
    errors = import_contacts(make_admin(), data.encode(), now=now).errors
    assert errors == ["line 2: lifetime_value '1E+999999' must be a positive amount with at most 2 decimals"]


def test_a_field_past_the_csv_limit_and_nul_characters_are_refused(now):
    admin = make_admin()
    long_name = "x" * 140_000
    data = GOOD + f"Acme,inside,activation,900,{long_name},ann@acme.test,\n"
    assert import_contacts(admin, data.encode(), now=now).errors == [
        "line 5: a field is longer than 131,072 characters"
    ]
    nul = GOOD.replace("Hank Scorpio", "Hank\x00Scorpio")
    assert "NUL characters" in import_contacts(admin, nul.encode(), now=now).errors[0]
    assert counts() == (0, 0)


def test_the_cli_reports_a_broken_file_without_a_traceback(runner, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "Acme,inside,activation,NaN," + "x" * 140_000 + ",ann@acme.test,\n")
    result = runner.invoke(args=["import", "customers", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 2: a field is longer than 131,072 characters" in result.output


def test_only_admins_import(now):
    with pytest.raises(NotAllowed):
        import_contacts(make_agent(tier=4), GOOD.encode(), now=now)
    assert counts() == (0, 0)


def test_the_cli_imports_and_exits_1_on_errors(runner, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text(HEADER + "Initech,gold,retention,10,Bill,bill@initech.test,\n")
    dry = runner.invoke(args=["import", "customers", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run" in dry.output and counts() == (0, 0)
    result = runner.invoke(args=["import", "customers", str(good)])
    assert result.exit_code == 0 and "2 organizations created" in result.output
    failed = runner.invoke(args=["import", "customers", str(bad)])
    assert failed.exit_code == 1 and "line 2: account_tier 'gold'" in failed.output
    assert runner.invoke(args=["import", "customers", str(tmp_path / "missing.csv")]).exit_code == 2


def test_the_admin_upload_page(client, login_as):
    import io

    login_as(make_agent(tier=4))
    assert client.get("/admin/import").status_code == 403
    client.post("/auth/logout")
    login_as(make_admin())
    bad = client.post(
        "/admin/import",
        data={"file": (io.BytesIO((HEADER + "X,gold,retention,1,A,a@x.test,\n").encode()), "c.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "line 2: account_tier" in bad.get_data(as_text=True)
    good = client.post(
        "/admin/import",
        data={"file": (io.BytesIO(GOOD.encode()), "c.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 200 and "2 organizations created" in good.get_data(as_text=True)
    assert counts() == (2, 2)
