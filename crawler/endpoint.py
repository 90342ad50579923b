"""`HF_ENDPOINT`, checked once before the first request.

A value Scrapy cannot request (`huggingface.co` without a scheme, an empty string) would otherwise
surface as a traceback and "1 spider exceptions (see the log)"; a URL carrying `user:password@`
would repeat the password in every log line and in `crawl_runs.message`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

EXAMPLE = "https://huggingface.co"


def checked_endpoint(value: str | None) -> str:
    """The endpoint without surrounding spaces or trailing slash; ValueError saying what is wrong.

    The message never repeats the value: it goes to stderr, the log and `crawl_runs.message`, and what
    was typed may be a secret (a password in the URL, a token pasted into the wrong variable)."""
    text = (value or "").strip().rstrip("/")
    if "@" in text:
        raise ValueError("HF_ENDPOINT must not carry credentials (user:password@); set HF_TOKEN instead")
    if problem := _problem(text):
        raise ValueError(f"HF_ENDPOINT must be an http(s) URL such as {EXAMPLE}: {problem} "
                         "(the value is not repeated here, in case it holds a secret)")
    return text


def _problem(text: str) -> str | None:
    if not text:
        return "it is empty"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return "it cannot be read as a URL (a bracket or a port that is not a number)"
    if parts.scheme not in ("http", "https"):
        return "it does not start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    if parts.query or parts.fragment:
        return "it carries a query or fragment (?… or #…)"
    return None
