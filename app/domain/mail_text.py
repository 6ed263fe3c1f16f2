"""Pure text work on mail bodies: HTML reduced to plain text, quoted history and signatures cut."""

from __future__ import annotations

import re
from html.parser import HTMLParser

REPLY_MARKER = "## Reply above this line ##"
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}
)
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
# Lines that start the quoted history in the common clients.
_QUOTE_HEADERS = (
    re.compile(r"^\s*On\b.{0,200}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,200}\bschrieb.{0,40}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,200}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*_{10,}\s*$"),
)
_FORWARD_FROM = re.compile(r"^\s*(From|Von|De):\s.+$")
_FORWARD_NEXT = re.compile(r"^\s*(Sent|Date|Gesendet|Envoyé|To):\s", re.IGNORECASE)
_WROTE_SPLIT = re.compile(r"^\s*On\b.{0,200}$", re.IGNORECASE)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._href = href if href.startswith(("http://", "https://", "mailto:")) else ""

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self._href:
            self.parts.append(f" ({self._href})")
            self._href = ""

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The readable text of an HTML mail: no markup, scripts or styles; links kept as text."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [" ".join(line.split()) for line in "".join(collector.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def cut_quoted(text: str) -> str:
    """The new part of a reply: cut at our reply marker, the "On … wrote:" line, a forwarded
    header or the signature separator, and without trailing ">" quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lowered = text.lower()
    for needle in (REPLY_MARKER.lower(), "reply above this line"):
        marker = lowered.find(needle)
        if marker != -1:
            text = text[: text.rfind("\n", 0, marker) + 1] if "\n" in text[:marker] else ""
            break
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line in ("-- ", "--") or any(pattern.match(line) for pattern in _QUOTE_HEADERS):
            break
        if _FORWARD_FROM.match(line) and index + 1 < len(lines) and _FORWARD_NEXT.match(lines[index + 1]):
            break
        # Clients wrap a long "On <date>, <name> wrote:" over two lines.
        if (
            _WROTE_SPLIT.match(line)
            and index + 1 < len(lines)
            and lines[index + 1].strip().endswith("wrote:")
        ):
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip()
