"""A version number per kind of desk setup (escalation rules, SLA policies and calendars), bumped
in the same transaction as every edit of it, so each process knows when its cached copy is old."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base


class SetupVersion(Base):
    __tablename__ = "setup_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
