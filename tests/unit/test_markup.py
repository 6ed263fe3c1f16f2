"""Article bodies are Markdown rendered to HTML that can never run code."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.domain.markup import plain_text, render_markdown, sanitize_html, slugify

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<iframe src="https://evil.test"></iframe>',
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def _dangers(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in {"script", "svg", "iframe", "style", "math", "object", "embed"}:
            problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}@{name}")
            scheme = value.split(":")[0].strip().lower() if value and ":" in value else None
            if name in {"href", "src"} and scheme and scheme not in {"http", "https", "mailto"}:
                problems.append(f"{tag}@{name}={value}")
    return problems


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives_rendering(payload):
    assert _dangers(render_markdown(payload)) == []
    assert _dangers(sanitize_html(payload)) == []


def test_the_check_itself_sees_a_live_payload():
    assert _dangers('<img src=x onerror=alert(1)><a href="javascript:x">') == [
        "img@onerror",
        "a@href=javascript:x",
    ]


def test_ordinary_markdown_renders():
    html = render_markdown("## Reset\n\n1. Open **Settings**\n2. Click [here](https://x.test/a)\n")
    assert "<h2>Reset</h2>" in html and "<strong>Settings</strong>" in html
    assert '<a href="https://x.test/a" rel="noopener noreferrer nofollow">here</a>' in html


def test_plain_text_and_slugs():
    assert plain_text(render_markdown("# Hi & <bye>\n\ntext")) == "Hi & <bye> text"
    assert slugify("Réset your SSO password!") == "reset-your-sso-password"
    assert slugify("!!!") == "article"
