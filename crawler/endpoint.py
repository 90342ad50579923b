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
    parts = urlsplit(text)
    if "@" in text:
        raise ValueError("HF_ENDPOINT must not carry credentials (user:password@); set HF_TOKEN instead")
    if problem := _problem(text, parts.scheme, parts.hostname, parts.query or parts.fragment):
        raise ValueError(f"HF_ENDPOINT must be an http(s) URL such as {EXAMPLE}: {problem} "
                         "(the value is not repeated here, in case it holds a secret)")
    return text


def _problem(text: str, scheme: str, hostname: str | None, query_or_fragment: str) -> str | None:
    if not text:
        return "it is empty"
    if scheme not in ("http", "https"):
        return "it does not start with http:// or https://"
    if not hostname:
        return "it names no host"
    if query_or_fragment:
        return "it carries a query or fragment (?… or #…)"
    return None
