"""Links worth keeping from a card: code (GitHub), papers (arXiv, DOI, venues), project pages, demo Spaces.

Only http(s) URLs are ever kept: a Markdown link to `javascript:` or `data:` is never a link here.
"""

from __future__ import annotations

import re

from ingest.cards.types import Link

_MAX_LINKS = 200
_MAX_URL_LENGTH = 2_000

# A URL ends at whitespace, quotes, angle brackets or Markdown's closing brackets.
_URL = re.compile(r"https?://[^\s<>\"'`\]\[{}|\\^]+")  # case-sensitive scheme: much faster to scan
_TRAILING = ".,;:!?*_~'\""
# Matched against the lower-cased body: an IGNORECASE scan of a whole card is ten times slower.
_ARXIV_MENTION = re.compile(r"arxiv\s*:\s*(\d{4}\.\d{4,5})(?:v\d+)?\b")
_ARXIV_ID = re.compile(
    r"^/(?:abs|pdf|html|format)/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)
_MARKDOWN_LINK = re.compile(r"\[([^\]]{1,200})\]\((https?://[^)\s]+)")

_PAPER_HOSTS = frozenset(
    {
        "doi.org",
        "dx.doi.org",
        "openreview.net",
        "aclanthology.org",
        "www.aclweb.org",
        "aclweb.org",
        "paperswithcode.com",
        "proceedings.neurips.cc",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "openaccess.thecvf.com",
        "ieeexplore.ieee.org",
        "dl.acm.org",
        "www.semanticscholar.org",
        "semanticscholar.org",
        "jmlr.org",
        "www.jmlr.org",
        "ojs.aaai.org",
        "www.ijcai.org",
        "ijcai.org",
        "link.springer.com",
        "www.nature.com",
        "biorxiv.org",
        "www.biorxiv.org",
    }
)
_HOST_AND_PATH = re.compile(r"https?://(?:[^@/?#\s]*@)?([^:/?#\s]+)(?::\d*)?([^?#]*)", re.IGNORECASE)
_KNOWN_HOSTS = _PAPER_HOSTS | {
    "github.com",
    "www.github.com",
    "arxiv.org",
    "www.arxiv.org",
    "export.arxiv.org",
    "huggingface.co",
    "hf.co",
}
_PROJECT_WORDS = ("project page", "project website", "homepage", "home page", "website", "blog")
# github.com/<first segment> that are GitHub's own pages, not owners.
_GITHUB_RESERVED = frozenset(
    {
        "about",
        "features",
        "orgs",
        "settings",
        "marketplace",
        "topics",
        "sponsors",
        "login",
        "join",
        "pricing",
        "search",
        "explore",
        "site",
        "collections",
        "trending",
        "apps",
        "users",
        "enterprise",
    }
)


def _trim(url: str) -> str:
    """Drop punctuation that ends the sentence, and a ')' that closes Markdown rather than the URL."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def _classify(url: str, host: str, path: str, anchor_text: str | None) -> Link | None:
    segments = [s for s in path.split("/") if s]
    if host in ("github.com", "www.github.com"):
        return _github_link(url, segments)
    if host in ("arxiv.org", "www.arxiv.org", "export.arxiv.org"):
        match = _ARXIV_ID.match(path)
        return Link("arxiv", url, match.group(1)) if match else None
    if host in ("huggingface.co", "hf.co"):
        return _hub_link(url, segments)
    if host in _PAPER_HOSTS:
        target = "/".join(segments) if host in ("doi.org", "dx.doi.org") and segments else None
        return Link("paper", url, target)
    if host.endswith(".github.io") or (anchor_text and any(w in anchor_text.lower() for w in _PROJECT_WORDS)):
        return Link("project", url, None)
    return None


def _github_link(url: str, segments: list[str]) -> Link | None:
    if len(segments) < 2 or segments[0].lower() in _GITHUB_RESERVED:
        return None
    repo = segments[1].removesuffix(".git")
    return Link("github", url, f"{segments[0]}/{repo}") if repo else None


def _hub_link(url: str, segments: list[str]) -> Link | None:
    if len(segments) >= 3 and segments[0] == "spaces":
        return Link("space", url, f"{segments[1]}/{segments[2]}")
    if len(segments) >= 2 and segments[0] == "papers":
        return Link("arxiv", url, segments[1]) if re.fullmatch(r"\d{4}\.\d{4,5}", segments[1]) else None
    return None


def _anchor_texts(body: str) -> dict[str, str]:
    return {url: text for text, url in _MARKDOWN_LINK.findall(body)}


def parse_links(body: str) -> tuple[Link, ...]:
    """Links in order of first appearance, one per (kind, url)."""
    lowered = body.lower()
    # Markdown anchor texts matter only for project pages; read them only if a URL may need one.
    anchors: dict[str, str] | None = None
    found: dict[tuple[str, str], Link] = {}
    seen: set[str] = set()  # cards repeat their links; classify each URL once
    for match in _URL.finditer(body):
        url = _trim(match.group(0))
        if url in seen or len(url) > _MAX_URL_LENGTH:
            continue
        seen.add(url)
        host, path = _host_and_path(url)
        if host not in _KNOWN_HOSTS and not host.endswith(".github.io"):
            if anchors is None:
                anchors = _anchor_texts(body) if any(word in lowered for word in _PROJECT_WORDS) else {}
            if url not in anchors:
                continue  # an unknown host is a link only when its anchor text names a project page
        link = _classify(url, host, path, (anchors or {}).get(url))
        if link is not None:
            found.setdefault((link.kind, link.url), link)
            if len(found) >= _MAX_LINKS:
                break
    if "arxiv" in lowered:
        for arxiv_id in _ARXIV_MENTION.findall(lowered):
            url = f"https://arxiv.org/abs/{arxiv_id}"
            if len(found) < _MAX_LINKS:
                found.setdefault(("arxiv", url), Link("arxiv", url, arxiv_id))
    return tuple(found.values())


def _host_and_path(url: str) -> tuple[str, str]:
    """(lower-cased host, path) of an http(s) URL; cheaper than urlsplit for the one thing we need."""
    match = _HOST_AND_PATH.match(url)
    return (match.group(1).lower(), match.group(2)) if match else ("", "")
