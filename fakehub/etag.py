"""ETags exactly as the Hub computes them (hf-api.md §3.4)."""

from __future__ import annotations

import base64
import hashlib


def weak_etag(body: bytes) -> str:
    """Express/`etag` npm default, used by the Hub's API: W/"<hex length>-<27 chars of base64 sha1>"."""
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode("ascii")  # noqa: S324 (not security)
    return f'W/"{len(body):x}-{digest[:27]}"'


def git_blob_sha1(content: bytes) -> str:
    """The git object id of a file: what the Hub quotes as the strong ETag of a non-LFS file."""
    header = b"blob %d\0" % len(content)
    return hashlib.sha1(header + content).hexdigest()  # noqa: S324 (git's id, not security)


def strong_etag(content: bytes) -> str:
    return f'"{git_blob_sha1(content)}"'


def if_none_match_hits(header: str | None, etag: str) -> bool:
    """True when an If-None-Match header names `etag` (weak comparison, as Express does)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == wanted for candidate in header.split(","))
