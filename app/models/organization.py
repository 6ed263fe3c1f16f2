"""Accounts and their contacts: the customer side of the relationship."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment
from app.extensions import Base
from app.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    account_tier: Mapped[AccountTier] = mapped_column(str_enum(AccountTier), default=AccountTier.inside)
    lifecycle_stage: Mapped[LifecycleStage] = mapped_column(
        str_enum(LifecycleStage), default=LifecycleStage.activation
    )
    loyalty_segment: Mapped[LoyaltySegment | None] = mapped_column(str_enum(LoyaltySegment))
    lifetime_value: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    account_manager: Mapped[User | None] = relationship()
    contacts: Mapped[list[Customer]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"


class Customer(Base):
    """A contact person; may have a portal login (user) or only write in by other channels."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed for the desk's search-as-you-type by the start of a name (see customer_lookup).
    name: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case: see normalize_email
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # An organization admin sees every ticket of the organization in the portal.
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the oldest breach counted in the customer's health leaves its 90-day window (their
    # health improves by time alone then): the risk refresh reads the customers due by this index.
    breaches_age_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Their tickets in an active status, kept by the database's triggers (app/counter_schema.py):
    # read it with a statement, since a loaded customer does not see the triggers' writes.
    open_tickets: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    organization: Mapped[Organization | None] = relationship(back_populates="contacts")
    user: Mapped[User | None] = relationship(back_populates="customer")

    def __repr__(self) -> str:
        return f"<Customer {self.email}>"
