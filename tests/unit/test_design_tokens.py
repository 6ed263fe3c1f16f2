"""The stylesheet's design tokens: every text colour keeps at least 4.5:1 contrast (WCAG AA for
body text) on the backgrounds it is used on, and the rules use the tokens, not loose colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
ROOT = CSS[CSS.index(":root {") : CSS.index("}", CSS.index(":root {"))]
TOKENS = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{3,6})", ROOT))

TEXT_ON = {
    "card": ["fg", "muted", "primary", "danger", "ok", "warn", "t0", "t1", "t2", "t3", "t4"],
    "bg": ["fg", "muted", "primary", "danger", "ok", "warn"],
    "subtle": ["fg", "muted", "primary"],
    "note-bg": ["fg", "muted", "warn"],
    "primary": ["primary-fg"],
    "header-bg": ["header-fg", "header-muted"],
}


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA


@pytest.mark.parametrize(("background", "text"), [(bg, t) for bg, ts in TEXT_ON.items() for t in ts])
def test_text_tokens_keep_aa_contrast(background, text):
    ratio = contrast(TOKENS[text], TOKENS[background])
    assert ratio >= 4.5, f"--{text} on --{background}: {ratio:.2f}:1"


def test_the_scales_are_tokens():
    for name in ("s1", "s2", "s3", "s4", "s5", "s6", "fs-xs", "fs-sm", "fs-md", "fs-lg", "fs-xl", "radius"):
        assert re.search(rf"--{name}:", ROOT), name
