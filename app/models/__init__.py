"""SQLAlchemy models; importing this package registers every table."""

from app.models.activity import Activity
from app.models.api_token import ApiToken
from app.models.attachment import Attachment
from app.models.audit import AuditEntry
from app.models.auth_token import AuthToken
from app.models.canned import CannedReply
from app.models.csat import CsatAnswer
from app.models.kb import KbArticle, KbCategory, KbImpression, KbSearch, KbVote, TicketArticle
from app.models.mail import InboundMail, MailId, MailMute
from app.models.notification import Notification, VendorOverdueNotice
from app.models.organization import Customer, Organization
from app.models.presence import TicketViewer
from app.models.recovery_code import RecoveryCode
from app.models.report import ReportRollup, ReportSetting, ReportWatermark
from app.models.risk_recheck import RiskRecheck
from app.models.rule import EscalationRule
from app.models.saved_view import SavedView
from app.models.setup_version import SetupVersion
from app.models.sla import (
    BusinessCalendar,
    SchedulerLease,
    SlaAdoption,
    SlaClock,
    SlaEvent,
    SlaPause,
    SlaPolicy,
)
from app.models.team import Team
from app.models.ticket import Message, Ticket, TicketTag
from app.models.tier_change import TierChange
from app.models.user import User
from app.models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "Activity",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AuthToken",
    "BusinessCalendar",
    "CannedReply",
    "CsatAnswer",
    "Customer",
    "EscalationRule",
    "InboundMail",
    "KbArticle",
    "KbCategory",
    "KbImpression",
    "KbSearch",
    "KbVote",
    "MailId",
    "MailMute",
    "Message",
    "Notification",
    "Organization",
    "RecoveryCode",
    "ReportRollup",
    "ReportSetting",
    "ReportWatermark",
    "RiskRecheck",
    "SavedView",
    "SchedulerLease",
    "SetupVersion",
    "SlaAdoption",
    "SlaClock",
    "SlaEvent",
    "SlaPause",
    "SlaPolicy",
    "Team",
    "Ticket",
    "TicketArticle",
    "TicketTag",
    "TicketViewer",
    "TierChange",
    "User",
    "VendorOverdueNotice",
    "WebhookDelivery",
    "WebhookSubscription",
]
