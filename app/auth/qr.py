"""QR codes drawn on the server as SVG markup (no script, no inline style: the CSP allows it)."""

from __future__ import annotations

import io

from markupsafe import Markup


def qr_svg(text: str, title: str) -> Markup:
    """An inline SVG QR code of `text`, with a title for screen readers."""
    import segno  # here: only two-step enrolment draws one, and web workers need not hold it

    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", border=2, xmldecl=False, svgns=True, title=title, svgclass="qr", omitsize=True
    )
    return Markup(buffer.getvalue().decode())  # segno's own markup; the title is escaped by segno
