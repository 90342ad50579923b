"""Parameter-count claims: read from card prose, else from the model name.

The rule (documented in docs/cards.md), applied in document order outside code blocks:

1. A claim is a number with a scale that names parameters: "12 billion parameter", "24.2B parameters",
   "4 billion (4B) parameter", or a label: "Number of Parameters: 0.49B", "Params (M): 88.6",
   "| n_parameters | 6053381344 |" (a bare number must then be at least one million).
2. A number that belongs to a family range or list ("from 7 billion to 70 billion parameters",
   "3, 7 and 72 billion parameters", "8B and 70B parameters") or a comparison ("less than 13 billion
   parameters", "vs. 34B params") is not a claim about this model; neither is a table row that
   holds several sizes ("| 2B Params | 7B Params |").
3. The first claim that survives wins, with its sentence as evidence (source 'card_text').
4. Without one, a size in the model name ("Llama-2-7b-chat", "Yi-1.5-34B-Chat", "x_13b") is the
   last resort (source 'model_name'); mixture names like "4x7B" are not read.
"""

from __future__ import annotations

import re

from ingest.cards.types import ParamsClaim

CARD_TEXT = "card_text"
MODEL_NAME = "model_name"

_MIN_PARAMS = 1_000
_MAX_PARAMS = 100_000_000_000_000
_MIN_BARE_NUMBER = 1_000_000
_MAX_EVIDENCE = 300

_SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_NUM = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_SCALE = r"thousand|million|billion|trillion|[kmbt]\b"
_PARAMS_WORD = r"(?:parameters?|params?)\b"

_PHRASE = re.compile(
    rf"(?<![\w.])(?P<num>{_NUM})\s*-?\s*(?P<scale>{_SCALE})(?:\s*\([^()\n]{{0,20}}\))?\s*-?\s*"
    rf"(?:trainable\s+|total\s+)?{_PARAMS_WORD}",
    re.IGNORECASE,
)
_LABEL = re.compile(
    rf"(?<![A-Za-z])(?:number\s+of\s+)?{_PARAMS_WORD}(?:\s*\(\s*(?P<label_scale>[kmbt])\s*\))?[^\w\n]{{0,12}}?"
    rf"(?P<num>{_NUM})(?:\s*(?P<scale>{_SCALE}))?(?![\w.])",
    re.IGNORECASE,
)
_SIZE = rf"(?:{_NUM})\s*(?:{_SCALE})?"
_LIST_BEFORE = re.compile(
    rf"(?:{_SIZE})\s*(?:,|\band\b|\bor\b|\bto\b|-|–|—|/)\s*$|\b(?:from|between)\s+$", re.IGNORECASE
)
_LIST_AFTER = re.compile(rf"^\s*(?:,|\band\b|\bor\b|\bto\b|-|–|—|/)\s*(?:{_NUM})", re.IGNORECASE)
_COMPARISON_BEFORE = re.compile(
    r"(?:\b(?:less|fewer|more|greater|larger|smaller|bigger)\s+than|\bup\s+to|\bunder|\bover|\bbelow|\babove"
    r"|\bvs\.?|\bversus|[<>≤≥])\s*~?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“])")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TAG = re.compile(r"<[^<>\n]{0,500}>")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_BARE_URL = re.compile(r"https?://\S+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_PARAM_MENTION = re.compile(r"param", re.IGNORECASE)
_NAME_SIZE = re.compile(r"(?:^|[-_])(\d+(?:\.\d+)?)([bm])(?=$|[-_.])", re.IGNORECASE)


def _prose_lines(body: str):
    """Lines outside fenced code that mention parameters, with markup that hides numbers removed."""
    fence: str | None = None
    for line in body.split("\n"):
        head = line[:6]
        if "```" in head or "~~~" in head:
            stripped = line.strip()
            opening = _FENCE.match(line)
            if fence is None and opening:
                fence = opening.group(1)
                continue
            if fence is not None and stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
                continue
        # Three substring tests are much cheaper than lower-casing every line.
        if fence is not None or not ("param" in line or "Param" in line or "PARAM" in line):
            continue
        line = _TAG.sub(" ", line)
        line = _IMAGE_OR_LINK.sub(r"\1", line)
        line = _BARE_URL.sub(" ", line)
        yield _EMPHASIS.sub("", line)


def _scaled(num: str, scale: str | None) -> int | None:
    value = float(num.replace(",", ""))
    if scale:
        value *= _SCALES[scale.lower()]
    count = round(value)
    return count if _MIN_PARAMS <= count <= _MAX_PARAMS else None


def _is_family_or_comparison(line: str, start: int, end: int) -> bool:
    before, after = line[max(0, start - 40) : start], line[end : end + 40]
    return bool(_LIST_BEFORE.search(before) or _LIST_AFTER.match(after) or _COMPARISON_BEFORE.search(before))


def _line_claims(line: str) -> list[tuple[int, int]]:
    """(position, value) of every acceptable claim in one line."""
    claims: list[tuple[int, int]] = []
    for match in _PHRASE.finditer(line):
        value = _scaled(match.group("num"), match.group("scale"))
        if value and not _is_family_or_comparison(line, match.start(), match.end("scale")):
            claims.append((match.start(), value))
    for match in _LABEL.finditer(line):
        scale = match.group("scale") or match.group("label_scale")
        value = _scaled(match.group("num"), scale)
        if scale is None and value is not None and value < _MIN_BARE_NUMBER:
            continue
        if value and not _is_family_or_comparison(line, match.start("num"), match.end()):
            claims.append((match.start(), value))
    claims.sort()
    if line.lstrip().startswith("|") and len({value for _, value in claims}) > 1:
        return []  # a table row comparing sizes is about a family, not this model
    return claims


def _sentence_at(line: str, position: int) -> str:
    start = 0
    for boundary in _SENTENCE_END.finditer(line):
        if boundary.start() > position:
            return line[start : boundary.start()].strip()[:_MAX_EVIDENCE]
        start = boundary.end()
    return line[start:].strip()[:_MAX_EVIDENCE]


def parse_params_claim(body: str) -> ParamsClaim | None:
    """The first credible parameter count stated in the card's prose (rule in the module docstring)."""
    for line in _prose_lines(body):
        if not _PARAM_MENTION.search(line):
            continue  # the mention was inside a URL or tag
        claims = _line_claims(line)
        if claims:
            position, value = claims[0]
            return ParamsClaim(
                value=value, source=CARD_TEXT, evidence=" ".join(_sentence_at(line, position).split())
            )
    return None


def params_from_model_name(model_id: str) -> ParamsClaim | None:
    """A size written in the repo name ('-7B', '_13b', '-0.5B'), the last resort."""
    name = model_id.rsplit("/", 1)[-1]
    match = _NAME_SIZE.search(name)
    if match is None:
        return None
    value = _scaled(match.group(1), match.group(2))
    return ParamsClaim(value=value, source=MODEL_NAME, evidence=model_id) if value else None
