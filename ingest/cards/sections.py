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

try:  # optional speed-up; BeautifulSoup's html.parser gives the same text without it
    import lxml.html as _lxml_html
    from lxml import etree as _lxml_etree
except ImportError:  # pragma: no cover - lxml is installed wherever scrapy is
    _lxml_html = None
    _lxml_etree = None

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
_INVISIBLE = ["script", "style", "noscript", "template"]
_INVISIBLE_TAG = re.compile(r"<(?:script|style|noscript|template)\b", re.IGNORECASE)
_HTML_HINT = re.compile(r"<[A-Za-z!/]")
_HTML_OR_ENTITY = re.compile(r"<[A-Za-z!/]|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Between fragments parsed together; a private-use character no card is expected to contain.
_SEPARATOR = "\n\ue000\ue001\ue000\n"
_LINE_START = re.compile(r"\n {0,3}[-#`~=*_]")
# Lines that may be structure: ATX headings, fences, setext underlines, thematic breaks.
_CANDIDATE_LINE = re.compile(
    r"^ {0,3}(?:#{1,6}(?:[ \t][^\n]*)?|`{3,}[^\n]*|~{3,}[^\n]*|=+[ \t]*|-+[ \t]*"
    r"|([-*_])(?:[ \t]*\1){2,}[ \t]*)$",
    re.MULTILINE,
)


def _soup_text(text: str) -> str:
    """Visible text by BeautifulSoup: the reference behaviour, and the fallback."""
    with warnings.catch_warnings():  # text that looks like a URL is still text to us
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "html.parser", multi_valued_attributes=None)
    if _INVISIBLE_TAG.search(text):  # searching the tree is costly: only when such a tag is present
        for node in soup(_INVISIBLE):
            node.decompose()
    return soup.get_text()


def _libxml2_text(text: str) -> str | None:
    """Visible text by lxml (libxml2), the parser BeautifulSoup's "lxml" builder drives, ~10x faster
    without building a Python tree. None when lxml is missing or refuses the input."""
    if _lxml_html is None:
        return None
    try:
        root = _lxml_html.fragment_fromstring(text, create_parent="div")
    except (ValueError, _lxml_etree.ParserError):  # e.g. control characters libxml2 will not take
        return None
    _lxml_etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    return root.text_content()


def _html_text(text: str) -> str:
    text = _AUTOLINK.sub(r"\1", text)  # `<https://x>` is a Markdown autolink, not a tag
    fast = _libxml2_text(text)
    return fast if fast is not None else _soup_text(text)


def strip_html(text: str) -> str:
    """Visible text of an HTML fragment; <script>, <style> and comments are dropped."""
    return _html_text(text) if _HTML_HINT.search(text) else text


def _html_span(chunk: str) -> tuple[int, int] | None:
    """Line-aligned span from the first tag or entity to the line of the last '>' or '&', or None.

    Text outside the span holds no tag and no entity, so only the span needs an HTML parser.
    """
    first = _HTML_OR_ENTITY.search(chunk)
    if first is None:
        return None
    start = chunk.rfind("\n", 0, first.start()) + 1
    if chunk.rfind(">") < chunk.rfind("<"):
        return start, len(chunk)  # a tag may still be open at the end: parse to the end
    last = max(chunk.rfind(">"), chunk.rfind("&"))
    end = chunk.find("\n", last)
    return start, len(chunk) if end < 0 else end


def strip_html_many(chunks: list[str]) -> list[str]:
    """`strip_html` over many fragments with one parse: building a soup costs more than parsing."""
    spans = [(i, span) for i, chunk in enumerate(chunks) if (span := _html_span(chunk)) is not None]
    if not spans:
        return chunks
    middles = [chunks[i][start:end] for i, (start, end) in spans]
    stripped = _html_text(_SEPARATOR.join(middles)).split(_SEPARATOR)
    if len(stripped) != len(middles):
        # A fragment swallowed a separator (an unclosed <script>, a separator in the card): one by one.
        stripped = [_html_text(middle) for middle in middles]
    result = list(chunks)
    for (index, (start, end)), text in zip(spans, stripped, strict=True):
        chunk = chunks[index]
        result[index] = chunk[:start] + text + chunk[end:]
    return result


def inline_text(text: str) -> str:
    """Markdown inline markup → plain words: links and images keep their text."""
    if "](" in text:
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
    return text.replace("**", "").replace("__", "").replace("`", "")


def _tidy(text: str) -> str:
    """No trailing blanks on lines, at most one empty line in a row, no blank edges."""
    # str methods rather than regexes: several times faster on whole cards.
    text = "\n".join(map(str.rstrip, text.split("\n")))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _readable_all(sections_parts: list[list[tuple[bool, str]]]) -> list[str]:
    """Readable text of every section: prose has HTML stripped and links simplified, code is verbatim."""
    prose = [text for parts in sections_parts for is_code, text in parts if not is_code]
    stripped = iter(strip_html_many(prose))
    texts = []
    for parts in sections_parts:
        chunks = [text if is_code else inline_text(next(stripped)) for is_code, text in parts]
        texts.append(_tidy("\n".join(chunks)))
    return texts


def _heading_text(raw: str) -> str | None:
    text = " ".join(inline_text(strip_html(raw)).split())
    return text or None


@dataclass
class _Open:
    """The section being filled while walking the body: its prose and code chunks in order."""

    level: int
    heading: str | None
    path: str
    parts: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, text: str, *, is_code: bool) -> None:
        if text:
            self.parts.append((is_code, text))


class _Tree:
    """Collects sections and keeps the stack of open headings for paths."""

    def __init__(self) -> None:
        self.closed: list[_Open] = []
        self.stack: list[tuple[int, str]] = []
        self.current = _Open(level=0, heading=None, path=INTRO_PATH)

    def open_heading(self, level: int, heading: str | None) -> None:
        self.closed.append(self.current)
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, heading or UNTITLED))
        path = " > ".join(name for _, name in self.stack)
        self.current = _Open(level=level, heading=heading, path=path)

    def finish(self) -> tuple[Section, ...]:
        self.closed.append(self.current)
        sections = []
        for section, text in zip(self.closed, _readable_all([c.parts for c in self.closed]), strict=True):
            if section.level == 0 and not text:
                continue  # no intro text: no intro section
            sections.append(
                Section(
                    ord=len(sections),
                    level=section.level,
                    heading=section.heading,
                    path=section.path,
                    text=text,
                )
            )
        return tuple(sections)


def _candidate_lines(body: str):
    """Matches of _CANDIDATE_LINE; a literal-prefix scan finds the few lines worth matching."""
    for start in _LINE_START.finditer("\n" + body):
        candidate = _CANDIDATE_LINE.match(body, start.start())  # "\n" + body shifts offsets by one
        if candidate is not None:
            yield candidate


def _setext_paragraph(prose: str) -> int | None:
    """Start offset (in `prose`) of the paragraph that ends `prose`, if it can be a setext heading's text."""
    if not prose.endswith("\n"):
        return None
    end = len(prose) - 1
    start = prose.rfind("\n", 0, end) + 1
    if not prose[start:end].strip():
        return None  # a blank line above: `---` is a rule, `===` is text
    while start > 0:  # walk up to the line after the previous blank line
        previous = prose.rfind("\n", 0, start - 1) + 1
        if not prose[previous : start - 1].strip():
            break
        start = previous
    return None if _NOT_PARAGRAPH_START.match(prose, start) else start


def parse_sections(body: str) -> tuple[Section, ...]:
    """Sections in document order. `body` has '\\n' line endings.

    Only lines that can be structure (headings, fences, rules, underlines) are looked at one by one;
    the text between them is taken as a slice.
    """
    tree = _Tree()
    fence: str | None = None  # the opening fence while inside a code block
    pos = 0  # start of the text not yet assigned to a section
    for candidate in _candidate_lines(body):
        start, end = candidate.start(), candidate.end()
        line = candidate.group(0)
        if fence is not None:
            if _closes_fence(line, fence):
                tree.current.add(body[pos:start], is_code=True)
                fence, pos = None, end + 1
            continue
        prose = body[pos:start]
        opening = _FENCE_OPEN.match(line)
        atx = _ATX.match(line) if opening is None else None
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            tree.current.add(prose, is_code=False)
            fence, pos = opening.group(1), end + 1
        elif atx:
            tree.current.add(prose, is_code=False)
            tree.open_heading(len(atx.group(1)), _heading_text(atx.group(2) or ""))
            pos = end + 1
        elif _SETEXT.match(line) and (paragraph := _setext_paragraph(prose)) is not None:
            tree.current.add(prose[:paragraph], is_code=False)
            tree.open_heading(
                1 if line.lstrip()[0] == "=" else 2, _heading_text(" ".join(prose[paragraph:].split()))
            )
            pos = end + 1
        elif _THEMATIC_BREAK.match(line):
            tree.current.add(prose, is_code=False)
            pos = end + 1  # a rule is not text
    tree.current.add(body[pos:], is_code=fence is not None)
    return tree.finish()


def _closes_fence(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3 and len(stripped) >= len(fence) and set(stripped) == {fence[0]}
    )
