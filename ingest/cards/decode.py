"""Bytes as served → text we can parse: capped, decoded, never raising."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CARD_BYTES: int = 1_000_000


@dataclass(frozen=True)
class DecodedBody:
    text: str
    size_bytes: int  # as served, before the cap
    truncated: bool
    decode_replaced: bool


def _utf8_char_length(lead: int) -> int:
    if lead >> 5 == 0b110:
        return 2
    if lead >> 4 == 0b1110:
        return 3
    if lead >> 3 == 0b11110:
        return 4
    return 1  # ASCII, or an invalid lead byte that decoding will replace anyway


def _cut_at_utf8_boundary(data: bytes, limit: int) -> bytes:
    """The first `limit` bytes, minus a character that the limit cut in half."""
    head = data[:limit]
    start = len(head) - 1
    # Walk back over continuation bytes (10xxxxxx) to the lead byte of the last character.
    while start > 0 and start > len(head) - 4 and (head[start] & 0xC0) == 0x80:
        start -= 1
    if start < 0:
        return head
    complete = len(head) - start >= _utf8_char_length(head[start])
    return head if complete else head[:start]


def decode_body(body: bytes, *, max_bytes: int = MAX_CARD_BYTES) -> DecodedBody:
    """Keep the head of an oversized card and decode it, replacing undecodable bytes."""
    size = len(body)
    truncated = size > max_bytes
    data = _cut_at_utf8_boundary(body, max_bytes) if truncated else body
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM is not part of the text
    try:
        text = data.decode("utf-8")
        replaced = False
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        replaced = True
    # NUL characters cannot be meaningful in Markdown and upset text tools downstream.
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
        replaced = True
    return DecodedBody(text=text, size_bytes=size, truncated=truncated, decode_replaced=replaced)
