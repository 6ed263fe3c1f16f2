"""QR codes drawn on the server as SVG markup (no script, no inline style: the CSP allows it)."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str) -> Markup:
    """An inline SVG QR code of `text`, with a title for screen readers."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", border=2, xmldecl=False, svgns=True, title=title, svgclass="qr", omitsize=True
    )
    return Markup(buffer.getvalue().decode())  # segno's own markup; the title is escaped by segno
