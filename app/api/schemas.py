"""What goes in and out of /api/v1, as marshmallow schemas (they make the OpenAPI document).

Output schemas list every field a staff member may read; a customer's answer simply leaves the
desk's own fields out (see `shapes.py`), so one schema documents both."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate
from werkzeug.datastructures import FileStorage

from app.domain.customer_words import STATE_HINTS
from app.domain.ids import ROW_ID_MAX
from app.domain.tickets import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from app.domain.tiers import MAX_TIER, MIN_TIER, REASON_MAX_LENGTH
from app.domain.vocabulary import Category, Priority, ReasonCode, Status

RowId = validate.Range(min=1, max=ROW_ID_MAX)


# PostgreSQL text cannot hold a NUL character: such a value is bad input, never a 500. A pattern
# (not a check in code) so that the document says so too.
no_nul = validate.Regexp(r"^[^\x00]*$", error="A NUL character is not allowed here.")


class JsonInteger(ma.fields.Integer):
    """A JSON integer as JSON Schema means it: 4 and 4.0 are integers, "4", 4.5 and true are not."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(int(value))


class File(Upload):
    """A file part of a multipart body (a plain text part of the same name is refused)."""

    default_error_messages = {"invalid": "Send a file here, not a text value."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("invalid")
        return value


def Text(max_length: int, **kwargs) -> ma.fields.String:
    """A string of up to max_length characters with at least one that is not a space."""
    return ma.fields.String(
        validate=[
            validate.Length(min=1, max=max_length),
            validate.Regexp(
                r"^[^\x00]*[^\s\x00][^\x00]*$", error="Write something other than spaces (no NUL)."
            ),
        ],
        **kwargs,
    )


def Id(**kwargs) -> ma.fields.Integer:
    return JsonInteger(validate=RowId, **kwargs)


def Choice(values, **kwargs) -> ma.fields.String:
    return ma.fields.String(validate=validate.OneOf([str(v) for v in values]), **kwargs)


class Schema(ma.Schema):
    class Meta:
        # Unknown fields in a request are refused (a typo is said, not silently dropped).
        unknown = ma.RAISE


# --- tickets ---------------------------------------------------------------------------------


class TicketListArgs(Schema):
    status = Choice(Status, metadata={"description": "staff"})
    priority = Choice(Priority)
    tier = ma.fields.Integer(
        validate=validate.Range(min=MIN_TIER, max=MAX_TIER), metadata={"description": "staff"}
    )
    assignee_id = ma.fields.Integer(validate=RowId, metadata={"description": "staff"})
    customer_id = ma.fields.Integer(validate=RowId)
    organization_id = ma.fields.Integer(validate=RowId)
    tag = ma.fields.String(
        validate=[validate.Length(min=1, max=40), no_nul],
        metadata={"description": "staff: tickets carrying this tag"},
    )
    cursor = ma.fields.String(
        validate=[validate.Length(max=200), no_nul],
        metadata={"description": "next_cursor of the previous page (opaque)"},
    )
    limit = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class VendorOut(Schema):
    vendor_id = ma.fields.Integer(allow_none=True)
    reference = ma.fields.String(allow_none=True)
    due_at = ma.fields.DateTime(allow_none=True)
    pauses_clock = ma.fields.Boolean()


class TicketOut(Schema):
    id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    subject = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    priority = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    channel = ma.fields.String(required=True)
    customer_id = ma.fields.Integer(required=True)
    organization_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)
    solved_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    # Customers only: the portal's words.
    state = ma.fields.String(
        validate=validate.OneOf(list(STATE_HINTS)),
        metadata={"description": "customers: the request's state in the portal's words"},
    )
    state_hint = ma.fields.String(metadata={"description": "customers: what the state means for them"})
    # Staff only:
    status = Choice(Status, metadata={"description": "staff: the desk's status"})
    tier = ma.fields.Integer()
    team_id = ma.fields.Integer(allow_none=True)
    assignee_id = ma.fields.Integer(allow_none=True)
    first_responded_at = ma.fields.DateTime(allow_none=True)
    reopen_count = ma.fields.Integer()
    escalation_count = ma.fields.Integer()
    sla_badge = ma.fields.String(allow_none=True)
    sla_next_check_at = ma.fields.DateTime(allow_none=True)
    tags = ma.fields.List(ma.fields.String())
    vendor = ma.fields.Nested(VendorOut, allow_none=True)
    version = ma.fields.Integer(
        metadata={"description": "send back as expected_version to refuse lost updates"}
    )


class TicketPageOut(Schema):
    items = ma.fields.List(ma.fields.Nested(TicketOut), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class TicketIn(Schema):
    subject = Text(SUBJECT_MAX_LENGTH, required=True)
    description = Text(BODY_MAX_LENGTH, required=True)
    category = Choice(Category, load_default=str(Category.general))
    priority = Choice(Priority, load_default=str(Priority.normal))
    customer_id = Id(metadata={"description": "staff: the customer the request is for"})


class Versioned(Schema):
    expected_version = JsonInteger(
        validate=validate.Range(min=1, max=ROW_ID_MAX),
        metadata={"description": "refuse the change (409) if the ticket changed since this version"},
    )


class ReplyIn(Versioned):
    body = Text(BODY_MAX_LENGTH, required=True)
    status = Choice(Status, metadata={"description": "staff: the status to leave the ticket in"})


class NoteIn(Schema):
    body = Text(BODY_MAX_LENGTH, required=True)


class StatusIn(Versioned):
    status = Choice(Status, required=True)


class PriorityIn(Versioned):
    priority = Choice(Priority, required=True)


class TagIn(Schema):
    tag = ma.fields.String(required=True, validate=[validate.Length(min=1, max=40), no_nul])


class AssignIn(Versioned):
    assignee_id = Id(required=True, allow_none=True)
    team_id = Id(allow_none=True)


class TierIn(Versioned):
    tier = JsonInteger(required=True, validate=validate.Range(min=MIN_TIER, max=MAX_TIER))
    reason = Text(REASON_MAX_LENGTH, required=True)
    reason_code = Choice(ReasonCode, required=True)
    team_id = Id(allow_none=True)
    hand_over = ma.fields.Boolean(load_default=False)
    vendor_id = Id(allow_none=True, metadata={"description": "tier 4: the vendor team"})
    vendor_reference = ma.fields.String(allow_none=True, validate=[validate.Length(max=120), no_nul])
    vendor_due_at = ma.fields.AwareDateTime(allow_none=True)
    vendor_pauses_clock = ma.fields.Boolean(allow_none=True)


class VendorIn(Versioned):
    vendor_id = Id(allow_none=True)
    reference = ma.fields.String(allow_none=True, validate=[validate.Length(max=120), no_nul])
    due_at = ma.fields.AwareDateTime(allow_none=True)
    pauses_clock = ma.fields.Boolean(required=True)


class MergeIn(Schema):
    target = ma.fields.String(
        required=True,
        validate=[validate.Length(min=1, max=32), no_nul],
        metadata={"description": "the reference of the ticket to merge into, e.g. TD-1042"},
    )


class RatingIn(Schema):
    rating = JsonInteger(required=True, validate=validate.Range(min=1, max=5))
    comment = ma.fields.String(load_default="", validate=[validate.Length(max=2000), no_nul])


class AttachmentOut(Schema):
    id = ma.fields.Integer(required=True)
    filename = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True)


class MessageOut(Schema):
    id = ma.fields.Integer(required=True)
    author_kind = ma.fields.String(
        required=True,
        metadata={
            "description": "staff: customer, agent or system; customers: customer, support or automatic"
        },
    )
    author_name = ma.fields.String(allow_none=True)
    body = ma.fields.String(required=True)
    internal = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentOut), required=True)


class MessagesOut(Schema):
    items = ma.fields.List(ma.fields.Nested(MessageOut), required=True)


class AttachmentsOut(Schema):
    items = ma.fields.List(ma.fields.Nested(AttachmentOut), required=True)


class MessageIn(Schema):
    """A reply or an internal note with files, as multipart/form-data (the fields are text)."""

    body = Text(BODY_MAX_LENGTH, required=True)
    internal = ma.fields.Boolean(
        load_default=False, metadata={"description": "staff: an internal note instead of a reply"}
    )
    status = Choice(Status, metadata={"description": "staff, replies: the status to leave the ticket in"})
    expected_version = ma.fields.Integer(
        validate=validate.Range(min=1, max=ROW_ID_MAX),
        metadata={"description": "replies: refuse (409) if the ticket changed since this version"},
    )
    attachments: ma.fields.List = ma.fields.List(
        File(),
        load_default=list,
        metadata={"description": "files (png, jpg, gif, pdf, txt, log, csv), as on the portal"},
    )


class CsatOut(Schema):
    rating = ma.fields.Integer(required=True)
    comment = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class CsatAnswerOut(Schema):
    answer = ma.fields.Nested(CsatOut, allow_none=True, required=True)
