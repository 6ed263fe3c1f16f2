"""People who sign in: customers, agents and admins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.access import Actor
from app.domain.assignment import is_away
from app.domain.sessions import session_identity
from app.domain.vocabulary import Role
from app.extensions import Base
from app.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.organization import Customer
    from app.models.team import Team


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "support_tier IS NULL OR (support_tier >= 1 AND support_tier <= 4)",
            name="support_tier_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case: see normalize_email
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), default=Role.customer)
    support_tier: Mapped[int | None]
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # An agent who is away gets no tickets automatically (until away_until, when it is set).
    away: Mapped[bool] = mapped_column(default=False)
    away_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The IANA timezone desk pages show times in; None: UTC.
    timezone: Mapped[str | None] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session's and remember cookie's identity: raising it ends them all.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-step sign-in (TOTP): the shared secret (set while enrolling, in use once enabled) and the
    # last time step accepted, so a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="members")
    customer: Mapped[Customer | None] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def away_now(self) -> bool:
        """Whether automatic assignment skips this agent at this moment."""
        return is_away(self.away, self.away_until, utcnow())

    @property
    def two_factor_on(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.agent, Role.admin)

    def get_id(self) -> str:
        """What the session and the remember cookie carry: the id and the session generation."""
        return session_identity(self.id, self.session_generation)

    def as_actor(self) -> Actor:
        customer = self.customer
        return Actor(
            user_id=self.id,
            role=self.role,
            support_tier=self.support_tier,
            customer_id=customer.id if customer else None,
            organization_id=customer.organization_id if customer else None,
            org_admin=bool(customer and customer.is_org_admin),
        )

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
