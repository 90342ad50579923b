"""Request routing and the endpoint handlers of a FakeHub (hf-api.md §1 and §6).

Handlers are plain functions from a parsed `Request` to a `Response`; the HTTP plumbing lives in
`fakehub.server`, the data in `fakehub.store`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

from fakehub.etag import strong_etag, weak_etag
from fakehub.fields import DEFAULT_SORT, EXPAND_VALUES, INFO_ONLY_EXPAND, SORT_ALIASES, SORT_FIELDS
from fakehub.pagination import BadCursor, decode_cursor, encode_cursor, next_link
from fakehub.store import HubStore, ListQuery, sort_key

MAX_LIMIT = 1000
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
UNAUTHORIZED = "Invalid username or password."
_HEX = re.compile(r"^[0-9a-f]{7,40}$")
_TRUE = frozenset({"true", "True", "1"})


@dataclass
class Request:
    method: str
    raw_path: str  # still percent-encoded
    raw_query: str
    params: list[tuple[str, str]]
    host: str
    has_auth: bool = False
    user_agent: str | None = None
    if_none_match: str | None = None

    def values(self, *names: str) -> list[str]:
        return [value for key, value in self.params if key in names]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_type: str = JSON
    etag: str | None = None  # sent on 200; a matching If-None-Match turns the answer into a 304


class Hub(Protocol):
    store: HubStore
    strict_list_expand: bool


class BadRequest(Exception):
    pass


def dispatch(hub: Hub, request: Request) -> Response:
    path = request.raw_path
    try:
        if path in ("/api/models", "/api/models/"):
            return list_models(hub, request)
        if path.startswith("/api/models/"):
            return model_info(hub, request)
        if path in ("/api/spaces", "/api/spaces/"):
            return list_spaces(hub, request)
        if not path.startswith("/api/"):
            file_route = _parse_file_path(path)
            if file_route is not None:
                return model_file(hub, request, *file_route)
    except BadRequest as bad:
        return error(400, str(bad))
    return error(404, "Not Found")


# -- GET /api/models ------------------------------------------------------------------------------


def list_models(hub: Hub, request: Request) -> Response:
    sort = _parse_sort(request.value("sort"))
    limit = _parse_limit(request.value("limit"))
    view = _parse_list_view(request, strict=hub.strict_list_expand)
    cursor = request.value("cursor")
    try:
        after = decode_cursor(cursor, sort) if cursor else None
        if after is not None:
            sort_key(sort, *after)  # a forged value (e.g. a date that is not one) is the client's fault
    except (BadCursor, ValueError, TypeError) as bad:
        raise BadRequest(f"Invalid cursor for sort '{sort}'") from bad
    page = hub.store.list_page(_parse_list_query(request), view, sort=sort, after=after, limit=limit)
    response = json_bytes_response(b"[" + b",".join(page.bodies) + b"]")
    if page.next_after is not None:
        token = encode_cursor(sort, *page.next_after)
        add_sort = None if request.value("sort") else DEFAULT_SORT
        link = next_link(request.host, request.raw_path, request.raw_query, token, add_sort=add_sort)
        response.headers.append(("Link", link))
    return response


def _parse_list_query(request: Request) -> ListQuery:
    gated = request.value("gated")
    return ListQuery(
        search=tuple(term for term in request.values("search") if term),
        author=request.value("author") or None,
        filters=tuple(tag for tag in request.values("filter") if tag),
        pipeline_tag=request.value("pipeline_tag") or None,
        gated=None if gated is None else gated in _TRUE,
        inference=request.value("inference") or None,
        include_private=request.has_auth,
    )


def _parse_sort(value: str | None) -> str:
    if not value:
        return DEFAULT_SORT
    sort = SORT_ALIASES.get(value, value)
    if sort not in SORT_FIELDS:
        raise BadRequest(f"Invalid sort parameter: {value}")
    return sort


def _parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return MAX_LIMIT
    try:
        return min(max(int(value), 1), MAX_LIMIT)
    except ValueError as bad:
        raise BadRequest(f"Invalid limit parameter: {value}") from bad


def _parse_list_view(request: Request, *, strict: bool) -> tuple:
    """Which body each list item gets: expand wins, then full, then config/cardData flags."""
    expand = parse_expand(request)
    if expand is not None:
        refused = sorted(expand & INFO_ONLY_EXPAND) if strict else []
        if refused:
            raise BadRequest(f'"expand" value not allowed on /api/models: {", ".join(refused)}')
        return ("expand", tuple(sorted(expand)))
    config = request.value("config") in _TRUE
    card_data = request.value("cardData") in _TRUE
    if request.value("full") in _TRUE:
        return ("full", config, card_data)
    if config or card_data:
        return ("flags", config, card_data)
    return ("default",)


def parse_expand(request: Request) -> frozenset[str] | None:
    """`expand=a&expand[]=b` (and comma lists) as a set; None without expand; BadRequest if unknown."""
    raw = request.values("expand", "expand[]")
    if not raw:
        return None
    fields = frozenset(part for value in raw for part in value.split(",") if part)
    unknown = sorted(fields - EXPAND_VALUES)
    if unknown:
        raise BadRequest(f'"expand" must be one of {sorted(EXPAND_VALUES)}, got {unknown}')
    return fields


# -- GET /api/models/{id}[/revision/{rev}] ---------------------------------------------------------


def model_info(hub: Hub, request: Request) -> Response:
    segments = request.raw_path.removeprefix("/api/models/").rstrip("/").split("/")
    revision_raw = None
    if len(segments) >= 3 and segments[-2] == "revision":
        segments, revision_raw = segments[:-2], segments[-1]
    if not 1 <= len(segments) <= 2:
        return error(404, "Not Found")
    model_id = "/".join(unquote(segment) for segment in segments)
    target = hub.store.alias_target(model_id)
    if target is not None:
        suffix = f"/revision/{revision_raw}" if revision_raw is not None else ""
        return redirect(f"/api/models/{target}{suffix}", request.raw_query)
    expand = parse_expand(request)
    body = hub.store.info_body(model_id, expand, include_private=request.has_auth)
    if body is None:
        return repo_not_found(request)
    sha = _sha_of(hub.store, model_id)
    if revision_raw is not None and not revision_exists(unquote(revision_raw), sha):
        return revision_not_found(unquote(revision_raw))
    return json_bytes_response(body)


def revision_exists(revision: str, sha: str | None) -> bool:
    """main, HEAD, the model's commit (or a 7+ char prefix of it) and any refs/... name."""
    if revision in ("main", "HEAD") or revision.startswith("refs/"):
        return True
    return sha is not None and bool(_HEX.match(revision)) and sha.startswith(revision)


# -- GET /{id}/resolve/{rev}/{file} and /{id}/raw/{rev}/{file} -------------------------------------


def model_file(
    hub: Hub, request: Request, model_id: str, kind: str, revision_raw: str, filename: str
) -> Response:
    target = hub.store.alias_target(model_id)
    if target is not None:
        return redirect(f"/{target}/{kind}/{revision_raw}/{filename}", request.raw_query)
    if model_id not in hub.store or (_is_private(hub.store, model_id) and not request.has_auth):
        return repo_not_found(request)
    sha = _sha_of(hub.store, model_id)
    commit = [("X-Repo-Commit", sha)] if sha else []
    if not revision_exists(unquote(revision_raw), sha):
        return revision_not_found(unquote(revision_raw))
    card = hub.store.card(model_id) if filename == "README.md" else None
    if card is None:
        headers = [("X-Error-Code", "EntryNotFound"), ("X-Error-Message", "Entry not found"), *commit]
        return Response(404, headers, _error_body("Entry not found"))
    return Response(200, commit, card, content_type=TEXT, etag=strong_etag(card))


def _parse_file_path(path: str) -> tuple[str, str, str, str] | None:
    """(model id, 'resolve'|'raw', raw revision, file path) for /{id}/resolve/{rev}/{file...}."""
    segments = path.lstrip("/").split("/")
    for id_length in (2, 1):
        if len(segments) >= id_length + 3 and segments[id_length] in ("resolve", "raw"):
            model_id = "/".join(unquote(segment) for segment in segments[:id_length])
            filename = unquote("/".join(segments[id_length + 2 :]))
            return model_id, segments[id_length], segments[id_length + 1], filename
    return None


# -- GET /api/spaces?models=<id> -------------------------------------------------------------------


def list_spaces(hub: Hub, request: Request) -> Response:
    """Spaces that use a model, as `{"_id", "id"}` items, paginated like /api/models."""
    model = request.value("models")
    if model is not None:
        model = hub.store.alias_target(model) or model
    spaces = hub.store.spaces_of(model)
    limit = _parse_limit(request.value("limit"))
    cursor = request.value("cursor")
    try:
        offset = int(decode_cursor(cursor, "offset")[0]) if cursor else 0
    except (BadCursor, ValueError) as bad:
        raise BadRequest(str(bad)) from bad
    chunk = spaces[offset : offset + limit]
    items = [{"_id": space_object_id(space), "id": space} for space in chunk]
    response = json_bytes_response(json.dumps(items, separators=(",", ":")).encode("utf-8"))
    if offset + limit < len(spaces):
        token = encode_cursor("offset", offset + limit, "")
        add_sort = None if request.value("sort") else DEFAULT_SORT
        response.headers.append(
            ("Link", next_link(request.host, request.raw_path, request.raw_query, token, add_sort=add_sort))
        )
    return response


def space_object_id(space_id: str) -> str:
    """A stable 24-hex id for a Space we only know by name."""
    return hashlib.sha1(space_id.encode("utf-8")).hexdigest()[:24]  # noqa: S324 (an id, not security)


# -- shared responses ------------------------------------------------------------------------------


def json_bytes_response(body: bytes) -> Response:
    return Response(200, [], body, etag=weak_etag(body))


def error(status: int, message: str, *, error_message: str | None = None) -> Response:
    headers = [("X-Error-Message", error_message)] if error_message else []
    return Response(status, headers, _error_body(message))


def redirect(location_path: str, raw_query: str) -> Response:
    """The Hub's 307 for renamed repos: relative Location, query kept, text/plain body."""
    location = f"{location_path}?{raw_query}" if raw_query else location_path
    body = f"Temporary Redirect. Redirecting to {location}".encode()
    return Response(307, [("Location", location), ("Vary", "Origin, Accept")], body, content_type=TEXT)


def repo_not_found(request: Request) -> Response:
    """401 for anonymous callers (the Hub will not say whether the repo exists), 404 with a token."""
    if not request.has_auth:
        return Response(401, [("X-Error-Message", UNAUTHORIZED)], _error_body(UNAUTHORIZED))
    message = "Repository not found"
    return Response(
        404, [("X-Error-Code", "RepoNotFound"), ("X-Error-Message", message)], _error_body(message)
    )


def revision_not_found(revision: str) -> Response:
    message = f"Invalid rev id: {revision}"
    headers = [("X-Error-Code", "RevisionNotFound"), ("X-Error-Message", message)]
    return Response(404, headers, _error_body(message))


def _error_body(message: str) -> bytes:
    return json.dumps({"error": message}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sha_of(store: HubStore, model_id: str) -> str | None:
    return store.get_field(model_id, "sha")


def _is_private(store: HubStore, model_id: str) -> bool:
    return bool(store.get_field(model_id, "private"))
