"""Admin pages for organizations and contacts (/admin/organizations, /admin/contacts)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin.relationship.forms import ContactForm, MergeForm, OrganizationForm
from app.domain.account_facts import check_organization
from app.domain.errors import InvalidInput
from app.form_fields import optional_int, show_error
from app.services.relationship.contacts_admin import (
    ContactFacts,
    contact_by_email,
    get_contact,
    merge_contacts,
    organization_contacts,
    save_contact,
)
from app.services.relationship.organizations_admin import (
    account_managers,
    get_organization,
    list_organizations,
    save_organization,
)

bp = Blueprint("relationship", __name__)


@bp.get("/organizations")
def organizations():
    search = request.args.get("q") or None
    listing = list_organizations(current_user, search=search, after=request.args.get("after") or None)
    return render_template("admin/relationship/organizations.html", listing=listing, search=search or "")


def _organization_form(org=None) -> OrganizationForm:
    form = OrganizationForm()
    form.account_manager.choices = [SelectChoice("", "Nobody")] + [
        SelectChoice(str(u.id), u.name) for u in account_managers(current_user)
    ]
    if request.method == "GET" and org is not None:
        form.name.data = org.name
        form.account_tier.data = org.account_tier.value
        form.lifecycle_stage.data = org.lifecycle_stage.value
        form.loyalty_segment.data = org.loyalty_segment.value if org.loyalty_segment else ""
        form.lifetime_value.data = f"{org.lifetime_value / 100:.2f}".removesuffix(".00")
        form.timezone.data = org.timezone or ""
        form.account_manager.data = org.account_manager_id
    return form


def _save_organization(form: OrganizationForm, organization_id: int | None):
    try:
        facts = check_organization(
            name=form.name.data,
            account_tier=form.account_tier.data,
            lifecycle_stage=form.lifecycle_stage.data,
            loyalty_segment=form.loyalty_segment.data or None,
            lifetime_value=form.lifetime_value.data,
            timezone=form.timezone.data,
            account_manager_id=form.account_manager.data,
        )
        return save_organization(current_user, facts, organization_id=organization_id)
    except InvalidInput as error:
        show_error(form, error, "name")
        return None


@bp.route("/organizations/new", methods=["GET", "POST"])
def new_organization():
    form = _organization_form()
    if form.validate_on_submit():
        org = _save_organization(form, None)
        if org is not None:
            flash(f"{org.name} created. Add its contacts below.", "success")
            return redirect(url_for("admin.relationship.edit_organization", organization_id=org.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/relationship/organization.html", form=form, org=None, contacts=[]), status


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
def edit_organization(organization_id: int):
    org = get_organization(current_user, organization_id)
    form = _organization_form(org)
    if form.validate_on_submit():
        saved = _save_organization(form, org.id)
        if saved is not None:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for("admin.relationship.edit_organization", organization_id=org.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/relationship/organization.html",
        form=form,
        org=org,
        contacts=organization_contacts(current_user, org.id),
    ), status


def _contact_form(customer=None) -> ContactForm:
    form = ContactForm()
    orgs = list_organizations(current_user).rows
    form.organization.choices = [SelectChoice("", "No organization")] + [
        SelectChoice(str(row.organization.id), row.organization.name) for row in orgs
    ]
    # The list shows the first page of organizations; the contact's own is always there.
    own = customer.organization if customer is not None else None
    if own is not None and all(row.organization.id != own.id for row in orgs):
        form.organization.choices.append(SelectChoice(str(own.id), own.name))
    if request.method == "GET":
        if customer is not None:
            form.name.data, form.email.data = customer.name, customer.email
            form.organization.data = customer.organization_id
            form.is_org_admin.data = customer.is_org_admin
        else:
            try:
                form.organization.data = optional_int(request.args.get("organization"))
            except ValueError:
                form.organization.data = None
    return form


def _facts(form: ContactForm) -> ContactFacts:
    return ContactFacts(
        form.name.data or "", form.email.data or "", form.organization.data, form.is_org_admin.data
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
def new_contact():
    form = _contact_form()
    if form.validate_on_submit():
        try:
            customer = save_contact(current_user, _facts(form))
        except InvalidInput as error:
            show_error(form, error, "name", renamed={"is_org_admin": "is_org_admin"})
        else:
            flash(f"{customer.name} added.", "success")
            return _back_to(customer)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/relationship/contact.html", form=form, customer=None, merge=None), status


def _back_to(customer):
    if customer.organization_id:
        return redirect(
            url_for("admin.relationship.edit_organization", organization_id=customer.organization_id)
        )
    return redirect(url_for("admin.relationship.edit_contact", customer_id=customer.id))


@bp.route("/contacts/<int:customer_id>/edit", methods=["GET", "POST"])
def edit_contact(customer_id: int):
    customer = get_contact(current_user, customer_id)
    form = _contact_form(customer)
    if form.validate_on_submit():
        try:
            save_contact(current_user, _facts(form), customer_id=customer.id)
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            flash(f"{customer.name} saved.", "success")
            return _back_to(customer)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/relationship/contact.html", form=form, customer=customer, merge=MergeForm(formdata=None)
    ), status


@bp.post("/contacts/<int:customer_id>/merge")
def merge(customer_id: int):
    customer = get_contact(current_user, customer_id)
    form = MergeForm()
    if form.validate_on_submit():
        other = contact_by_email(current_user, form.other.data)
        try:
            if other is None:
                raise InvalidInput("No contact has this address.", field="other")
            report = merge_contacts(current_user, customer.id, other.id)
        except InvalidInput as error:
            show_error(form, error, "other")
        else:
            flash(
                f"Merged into {report.survivor.name}: {report.tickets} ticket(s) and "
                f"{report.events} history event(s) moved.",
                "success",
            )
            return redirect(url_for("admin.relationship.edit_contact", customer_id=customer.id))
    return render_template(
        "admin/relationship/contact.html", form=_contact_form(customer), customer=customer, merge=form
    ), 400
