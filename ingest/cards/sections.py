"""The card body as a heading tree: each section's readable text, HTML stripped.

Headings are CommonMark ATX (`## Uses`) and setext (a paragraph underlined with `===` or `---`).
Lines inside fenced code blocks are never headings, and a `---` after a blank line is a rule.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from ingest.cards.types import Section

INTRO_PATH = "(intro)"  # path of the text before the first heading (level 0, heading None)
UNTITLED = "(untitled)"  # a heading whose text is empty once markup is removed

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_NOT_PARAGRAPH_START = re.compile(r"^ {0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|\||<|    |\t)")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]*)>", re.IGNORECASE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_HTML_HINT = re.compile(r"<[A-Za-z!/]")
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def strip_html(text: str) -> str:
    """Visible text of an HTML fragment; <script>, <style> and comments are dropped."""
    if not _HTML_HINT.search(text):
        return text
    text = _AUTOLINK.sub(r"\1", text)  # `<https://x>` is a Markdown autolink, not a tag
    soup = BeautifulSoup(text, "html.parser")
    for node in soup(["script", "style", "noscript", "template"]):
        node.decompose()
    return soup.get_text()


def inline_text(text: str) -> str:
    """Markdown inline markup → plain words: links and images keep their text."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub("", text)


def _readable(parts: list[tuple[bool, list[str]]]) -> str:
    """Join prose (HTML stripped, links simplified) and code (verbatim) parts of one section."""
    chunks = []
    for is_code, lines in parts:
        chunk = "\n".join(lines)
        chunks.append(chunk if is_code else inline_text(strip_html(chunk)))
    text = "\n".join(chunks)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _heading_text(raw: str) -> str | None:
    text = " ".join(inline_text(strip_html(raw)).split())
    return text or None


@dataclass
class _Open:
    """The section being filled while walking the lines."""

    level: int
    heading: str | None
    path: str
    parts: list[tuple[bool, list[str]]] = field(default_factory=list)

    def add(self, line: str, *, is_code: bool) -> None:
        if self.parts and self.parts[-1][0] == is_code:
            self.parts[-1][1].append(line)
        else:
            self.parts.append((is_code, [line]))

    def pop_prose_lines(self, count: int) -> list[str]:
        """Remove the last `count` prose lines (a paragraph that turned out to be a setext heading)."""
        lines = self.parts[-1][1]
        taken = lines[-count:]
        del lines[-count:]
        if not lines:
            self.parts.pop()
        return taken


class _Tree:
    """Collects sections and keeps the stack of open headings for paths."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.stack: list[tuple[int, str]] = []
        self.current = _Open(level=0, heading=None, path=INTRO_PATH)

    def open_heading(self, level: int, heading: str | None) -> None:
        self._close()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, heading or UNTITLED))
        path = " > ".join(name for _, name in self.stack)
        self.current = _Open(level=level, heading=heading, path=path)

    def _close(self) -> None:
        text = _readable(self.current.parts)
        if self.current.level == 0 and not text:
            return  # no intro text: no intro section
        self.sections.append(
            Section(
                ord=len(self.sections),
                level=self.current.level,
                heading=self.current.heading,
                path=self.current.path,
                text=text,
            )
        )

    def finish(self) -> tuple[Section, ...]:
        self._close()
        return tuple(self.sections)


def parse_sections(body: str) -> tuple[Section, ...]:
    """Sections in document order. `body` has '\\n' line endings."""
    tree = _Tree()
    fence: str | None = None  # the opening fence while inside a code block
    paragraph = 0  # consecutive prose lines that could be a setext heading's text
    for line in body.split("\n"):
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            else:
                tree.current.add(line, is_code=True)
            continue
        opening = _FENCE_OPEN.match(line)
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = opening.group(1)
            paragraph = 0
            continue
        atx = _ATX.match(line)
        if atx:
            tree.open_heading(len(atx.group(1)), _heading_text(atx.group(2) or ""))
            paragraph = 0
            continue
        setext = _SETEXT.match(line)
        if setext and paragraph:
            raw = " ".join(part.strip() for part in tree.current.pop_prose_lines(paragraph))
            tree.open_heading(1 if setext.group(1)[0] == "=" else 2, _heading_text(raw))
            paragraph = 0
            continue
        if _THEMATIC_BREAK.match(line):
            paragraph = 0
            continue
        if not line.strip():
            paragraph = 0
        elif paragraph or not _NOT_PARAGRAPH_START.match(line):
            paragraph += 1
        tree.current.add(line, is_code=False)
    return tree.finish()


def _closes_fence(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3 and len(stripped) >= len(fence) and set(stripped) == {fence[0]}
    )
