"""Writing the knowledge base on the desk (/desk/kb): articles, categories and the gap report."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.desk.kb.forms import ArticleForm, CategoryForm
from app.domain.errors import InvalidInput, NotAllowed
from app.domain.kb_vocabulary import ArticleStatus
from app.form_fields import show_error
from app.services.common.access import require_admin
from app.services.kb.articles import (
    can_write,
    get_article,
    save_article,
    save_category,
    toggle_category_self_service,
)
from app.services.kb.listings import latest_articles, list_categories
from app.services.kb.report import knowledge_gaps

bp = Blueprint("kb", __name__)
DESK_LIST_LENGTH = 200


@bp.get("/")
def index():
    articles = latest_articles(limit=DESK_LIST_LENGTH)
    return render_template(
        "desk/kb/index.html",
        articles=articles,
        can_write=can_write(current_user),
        published=ArticleStatus.published,
    )


def _article_form() -> ArticleForm:
    form = ArticleForm()
    form.category.choices = [SelectChoice("", "No category")] + [
        SelectChoice(str(c.id), c.name) for c in list_categories()
    ]
    return form


def _editor(article_id: int | None):
    if not can_write(current_user):
        raise NotAllowed("Articles are written by tier 2+ agents and admins.")
    article = get_article(article_id) if article_id else None
    form = _article_form()
    if request.method == "GET" and article is not None:
        form.title.data, form.category.data = article.title, article.category_id
        form.tags.data, form.body.data = article.tags, article.body_markdown
        form.published.data = article.status is ArticleStatus.published
    if form.validate_on_submit():
        try:
            saved = save_article(
                current_user,
                title=form.title.data,
                body=form.body.data,
                category_id=form.category.data,
                tags=form.tags.data or "",
                published=form.published.data,
                article_id=article_id,
            )
        except InvalidInput as error:
            show_error(form, error, "title")
        else:
            flash(f"“{saved.title}” saved ({saved.status.value}).", "success")
            return redirect(url_for("desk.kb.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("desk/kb/edit.html", form=form, article=article), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _editor(None)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
def edit(article_id: int):
    return _editor(article_id)


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    require_admin(current_user)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            save_category(current_user, name=form.name.data, self_service=form.self_service.data)
        except InvalidInput as error:
            show_error(form, error, "name")
        else:
            flash("Category saved.", "success")
            return redirect(url_for("desk.kb.categories"))
    status = 400 if request.method == "POST" else 200
    rows = list_categories()
    return render_template("desk/kb/categories.html", form=form, rows=rows), status


@bp.post("/categories/<int:category_id>/self-service")
def toggle_self_service(category_id: int):
    require_admin(current_user)
    toggle_category_self_service(current_user, category_id)
    return redirect(url_for("desk.kb.categories"))


@bp.get("/gaps")
def gaps():
    return render_template("desk/kb/gaps.html", report=knowledge_gaps())
