"""`HF_ENDPOINT`, checked once before the first request.

A value Scrapy cannot request (`huggingface.co` without a scheme, an empty string) would otherwise
surface as a traceback and "1 spider exceptions (see the log)"; a URL carrying `user:password@`
would repeat the password in every log line and in `crawl_runs.message`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

EXAMPLE = "https://huggingface.co"


def checked_endpoint(value: str | None) -> str:
    """The endpoint without surrounding spaces or trailing slash; ValueError saying what is wrong."""
    text = (value or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.username is not None or parts.password is not None:
        # Never echo the value: it holds a credential.
        raise ValueError("HF_ENDPOINT must not carry credentials (user:password@); set HF_TOKEN instead")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"HF_ENDPOINT must be an http(s) URL such as {EXAMPLE}, got {value!r}")
    return text
