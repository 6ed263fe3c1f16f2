"""Turning writers' Markdown into safe HTML and plain text.

Raw HTML in the source is not rendered (markdown-it's html option is off) and the output is
cleaned again with nh3 against a short allow-list, so scripts, event handlers, `javascript:`
URLs and SVG never reach a page.

Both libraries load at the first article written or shown, not with the app: most web workers
never render Markdown, and together they hold about 2.5 MB in each process.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_TAGS = re.compile(r"<[^>]+>")


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def sanitize_html(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(source: str) -> str:
    """Safe HTML for an article body."""
    return sanitize_html(_markdown().render(source or ""))


def plain_text(html: str) -> str:
    """The words of rendered HTML, for search and snippets."""
    text = _TAGS.sub(" ", html)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&quot;", '"').replace("&#39;", "'")
    return " ".join(text.split())


def slugify(title: str) -> str:
    """'Reset your SSO password!' → 'reset-your-sso-password'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:200] or "article"
