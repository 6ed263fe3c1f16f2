"""Desk pages for a customer and an organization: the whole relationship in one place."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.desk.relationship.forms import AccountForm, TouchpointForm
from app.domain.access import can_change_account_facts
from app.domain.errors import InvalidInput
from app.form_fields import show_error
from app.services.relationship.changes import log_touchpoint, update_account
from app.services.relationship.history_page import FAMILIES, history_page
from app.services.relationship.profiles import customer_profile, organization_profile

bp = Blueprint("relationship", __name__)


def _page(profile, *, customer_id=None, organization_id=None, account=None, touch=None, status: int = 200):
    family = request.args.get("kind") or None
    history = history_page(
        current_user,
        customer_id=customer_id,
        organization_id=organization_id,
        family=family,
        after=request.args.get("after") or None,
    )
    org = profile.organization
    if account is None and org is not None:
        account = AccountForm(
            formdata=None,
            data={
                "account_tier": org.account_tier.value,
                "lifecycle_stage": org.lifecycle_stage.value,
                "loyalty_segment": org.loyalty_segment.value if org.loyalty_segment else "",
            },
        )
    return render_template(
        "desk/relationship/profile.html",
        profile=profile,
        history=history,
        family=family,
        families=FAMILIES,
        account=account if can_change_account_facts(current_user.as_actor()) else None,
        touch=touch or TouchpointForm(formdata=None),
        endpoint=request.endpoint,
        view_args=request.view_args,
    ), status


@bp.get("/customers/<int:customer_id>")
def customer(customer_id: int):
    return _page(customer_profile(current_user, customer_id), customer_id=customer_id)


@bp.get("/organizations/<int:organization_id>")
def organization(organization_id: int):
    return _page(organization_profile(current_user, organization_id), organization_id=organization_id)


@bp.post("/organizations/<int:organization_id>/account")
def change_account(organization_id: int):
    form = AccountForm()
    if form.validate_on_submit():
        try:
            update_account(
                current_user,
                organization_id,
                account_tier=form.account_tier.data,
                lifecycle_stage=form.lifecycle_stage.data,
                loyalty_segment=form.loyalty_segment.data or None,
            )
        except InvalidInput as error:
            show_error(form, error, "account_tier")
        else:
            flash("Account facts saved.", "success")
            return redirect(url_for("desk.relationship.organization", organization_id=organization_id))
    return _page(
        organization_profile(current_user, organization_id),
        organization_id=organization_id,
        account=form,
        status=400,
    )


def _touchpoint(customer_id: int | None, organization_id: int | None):
    form = TouchpointForm()
    if form.validate_on_submit():
        try:
            log_touchpoint(
                current_user,
                kind=form.kind.data,
                summary=form.summary.data,
                customer_id=customer_id,
                organization_id=organization_id,
            )
        except InvalidInput as error:
            show_error(form, error, "summary")
        else:
            flash("Touchpoint logged.", "success")
            return None
    return form


@bp.post("/customers/<int:customer_id>/touchpoints")
def customer_touchpoint(customer_id: int):
    failed = _touchpoint(customer_id, None)
    if failed is None:
        return redirect(url_for("desk.relationship.customer", customer_id=customer_id))
    return _page(
        customer_profile(current_user, customer_id), customer_id=customer_id, touch=failed, status=400
    )


@bp.post("/organizations/<int:organization_id>/touchpoints")
def organization_touchpoint(organization_id: int):
    failed = _touchpoint(None, organization_id)
    if failed is None:
        return redirect(url_for("desk.relationship.organization", organization_id=organization_id))
    return _page(
        organization_profile(current_user, organization_id),
        organization_id=organization_id,
        touch=failed,
        status=400,
    )
