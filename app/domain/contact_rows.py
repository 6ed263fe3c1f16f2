"""Checking rows of an organizations-and-contacts CSV: every problem as "line N: sentence"."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment

REQUIRED = (
    "organization",
    "account_tier",
    "lifecycle_stage",
    "lifetime_value",
    "contact_name",
    "contact_email",
)
OPTIONAL = ("loyalty_segment", "timezone")
Choice = TypeVar("Choice", bound=StrEnum)
MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class OrgRow:
    line: int
    name: str
    account_tier: AccountTier
    lifecycle_stage: LifecycleStage
    loyalty_segment: LoyaltySegment | None
    lifetime_value_cents: int
    timezone: str | None


@dataclass(frozen=True, slots=True)
class ContactRow:
    line: int
    organization: str
    name: str
    email: str  # as written; the service normalizes and checks it


@dataclass(slots=True)
class ParsedFile:
    organizations: dict[str, OrgRow]
    contacts: list[ContactRow]
    errors: list[str]


def _choice(
    enum: type[Choice], raw: str, line: int, column: str, errors: list[str], optional: bool = False
) -> Choice | None:
    value = raw.strip().lower()
    if optional and not value:
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        errors.append(f"line {line}: {column} '{raw}' is not one of {allowed}")
        return None


def _cents(raw: str, line: int, errors: list[str]) -> int | None:
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():  # NaN and Infinity parse as decimals but are no amount
        errors.append(f"line {line}: lifetime_value '{raw}' is not a number")
        return None
    if value < 0 or value > Decimal("1e13") or value != value.quantize(Decimal("0.01")):
        errors.append(
            f"line {line}: lifetime_value '{raw}' must be a positive amount with at most 2 decimals"
        )
        return None
    return int(value * 100)


def _timezone(raw: str, line: int, errors: list[str]) -> str | None:
    name = raw.strip()
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"line {line}: timezone '{raw}' is not an IANA name such as Europe/Berlin")
        return None
    return name


def read_rows(data: bytes) -> ParsedFile:
    """Read and check the whole file; nothing here touches a database."""
    parsed = ParsedFile({}, [], [])
    errors = parsed.errors
    if len(data) > MAX_BYTES:
        errors.append(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return parsed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append("the file is not UTF-8 text; save it as CSV (UTF-8)")
        return parsed
    if "\x00" in text:
        errors.append("the file holds NUL characters, so it is not text; save it as CSV (UTF-8)")
        return parsed
    reader = csv.DictReader(io.StringIO(text))
    try:
        _read_records(reader, parsed)
    except csv.Error as error:
        if "field limit" in str(error):
            limit = f"{csv.field_size_limit():,}"
            # the line that failed was not counted yet
            errors.append(f"line {reader.line_num + 1}: a field is longer than {limit} characters")
        else:
            errors.append(f"line {reader.line_num}: this line is not readable CSV ({error})")
    return parsed


def _read_records(reader: csv.DictReader, parsed: ParsedFile) -> None:
    errors = parsed.errors
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        errors.append(f"line 1: the header lacks {', '.join(missing)}")
        return
    reader.fieldnames = header
    emails: dict[str, int] = {}
    for count, row in enumerate(reader, start=1):
        line = reader.line_num
        if count > MAX_ROWS:
            errors.append(f"the file has more than {MAX_ROWS} rows")
            break
        _read_row({k: (v or "") for k, v in row.items() if k}, line, parsed, emails)


def _read_row(row: dict[str, str], line: int, parsed: ParsedFile, emails: dict[str, int]) -> None:
    errors = parsed.errors
    name = " ".join(row.get("organization", "").split())
    if not name:
        errors.append(f"line {line}: organization is empty")
        return
    if len(name) > 160:
        errors.append(f"line {line}: organization is longer than 160 characters")
        return
    before = len(errors)
    account_tier = _choice(AccountTier, row["account_tier"], line, "account_tier", errors)
    lifecycle_stage = _choice(LifecycleStage, row["lifecycle_stage"], line, "lifecycle_stage", errors)
    loyalty_segment = _choice(
        LoyaltySegment, row.get("loyalty_segment", ""), line, "loyalty_segment", errors, optional=True
    )
    lifetime_value_cents = _cents(row["lifetime_value"], line, errors) or 0
    timezone = _timezone(row.get("timezone", ""), line, errors)
    # A required choice is None only when its error was noted.
    if len(errors) == before and account_tier is not None and lifecycle_stage is not None:
        org = OrgRow(
            line, name, account_tier, lifecycle_stage, loyalty_segment, lifetime_value_cents, timezone
        )
        known = parsed.organizations.get(name.lower())
        facts = (
            org.account_tier,
            org.lifecycle_stage,
            org.loyalty_segment,
            org.lifetime_value_cents,
            org.timezone,
        )
        if known is None:
            parsed.organizations[name.lower()] = org
        elif facts != (
            known.account_tier,
            known.lifecycle_stage,
            known.loyalty_segment,
            known.lifetime_value_cents,
            known.timezone,
        ):
            errors.append(f"line {line}: {name} appears on line {known.line} with other facts")
    contact_name = " ".join(row.get("contact_name", "").split())
    email = row.get("contact_email", "").strip()
    if not contact_name and not email:
        return  # an organization without a contact
    if not contact_name or not email:
        errors.append(f"line {line}: a contact needs both contact_name and contact_email")
        return
    key = email.lower()
    if key in emails:
        errors.append(f"line {line}: {email} is already on line {emails[key]}")
        return
    emails[key] = line
    parsed.contacts.append(ContactRow(line, name, contact_name[:120], email))
