"""FakeHub: a local HTTP server that answers like huggingface.co for model metadata and cards.

    with FakeHub(store) as hub:
        httpx.get(f"{hub.url}/api/models", params={"limit": 10})
        hub.faults.fail_next(2)            # the next two /api/models... requests get a 500
        [r.status for r in hub.requests]   # what the server saw (never a token value)

It runs a ThreadingHTTPServer on 127.0.0.1 (port 0: any free port) in a daemon thread, with HTTP/1.1
keep-alive. Routes and behaviours follow hf-api.md §6; see fakehub/README.md.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from fakehub import routes
from fakehub.etag import if_none_match_hits
from fakehub.faults import Faults
from fakehub.routes import Request, Response
from fakehub.store import HubStore

_REASONS = {
    200: "OK", 304: "Not Modified", 307: "Temporary Redirect", 400: "Bad Request", 401: "Unauthorized",
    404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip

# Sent on every response, as the Hub does (hf-api.md §3.4).
_COMMON_HEADERS = (
    ("Access-Control-Allow-Origin", "https://huggingface.co"),
    ("Access-Control-Expose-Headers", "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,ETag,Link"),
    ("X-Powered-By", "huggingface-moon"),
)


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it. `headers` holds user-agent and if-none-match when sent, and
    `has_auth` (also in `headers`) says whether a Bearer token came; the token itself is never kept."""

    method: str
    path: str
    query: str
    status: int
    headers: dict[str, Any] = field(default_factory=dict)
    has_auth: bool = False


class FakeHub:
    """Serve a HubStore over HTTP until stopped (use as a context manager)."""

    def __init__(
        self,
        store: HubStore,
        *,
        strict_list_expand: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        max_logged_requests: int = 1_000_000,
    ) -> None:
        self.store = store
        self.strict_list_expand = strict_list_expand
        self.faults = Faults()
        # A long-running server keeps only the most recent requests in its log.
        self._requests: deque[RequestRecord] = deque(maxlen=max_logged_requests)
        self._requests_lock = threading.Lock()
        self._request_ids = itertools.count(1)
        self._httpd = _Server((host, port), _Handler)
        self._httpd.hub = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of every request served so far, oldest first."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    def start(self) -> FakeHub:
        self.store.prepare()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fakehub", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI's foreground mode)."""
        self.store.prepare()
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- called by the handler -------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if self.faults.delay_seconds:
            time.sleep(self.faults.delay_seconds)
        rate = self.faults.count(request.raw_path)
        if rate.limited:
            response = routes.error(429, rate.message, error_message=rate.message)
        elif (status := self.faults.take_failure(request.raw_path)) is not None:
            response = routes.error(status, "Internal Error")
        else:
            response = self._dispatch(request)
        response.headers.extend(rate.headers)
        if (
            response.status == 200
            and response.etag
            and if_none_match_hits(request.if_none_match, response.etag)
        ):
            response = Response(304, [("ETag", response.etag), *response.headers], b"")
        return response

    def _dispatch(self, request: Request) -> Response:
        try:
            return routes.dispatch(self, request)
        except Exception:  # a bug or a race with a concurrent store change: answer, keep the connection
            return routes.error(500, "Internal Error")

    def record(self, request: Request, status: int) -> None:
        headers: dict[str, Any] = {"has_auth": request.has_auth}
        if request.user_agent is not None:
            headers["user-agent"] = request.user_agent
        if request.if_none_match is not None:
            headers["if-none-match"] = request.if_none_match
        entry = RequestRecord(
            request.method, request.raw_path, request.raw_query, status, headers, request.has_auth
        )
        with self._requests_lock:
            self._requests.append(entry)

    def next_request_id(self) -> str:
        number = next(self._request_ids)
        return f"Root=1-{number:08x}-{number:024x}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-response (a download over its size cap) is normal: stay quiet."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
    request_queue_size = 128
    hub: FakeHub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is `FakeHub.requests`."""

    def _serve(self, *, send_body: bool) -> None:
        hub = self.server.hub
        raw_path, _, raw_query = self.path.partition("?")
        authorization = self.headers.get("Authorization") or ""
        request = Request(
            method=self.command,
            raw_path=raw_path,
            raw_query=raw_query,
            params=parse_qsl(raw_query, keep_blank_values=True),
            host=self.headers.get("Host") or hub.url.removeprefix("http://"),
            has_auth=authorization.startswith("Bearer ") and len(authorization) > len("Bearer "),
            user_agent=self.headers.get("User-Agent"),
            if_none_match=self.headers.get("If-None-Match"),
        )
        response = hub.handle(request)
        hub.record(request, response.status)
        chunked = hub.faults.chunked(request.raw_path)
        self._write(response, hub.next_request_id(), send_body=send_body, chunked=chunked)

    def _write(self, response: Response, request_id: str, *, send_body: bool, chunked: bool = False) -> None:
        status = response.status
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}"]
        headers = [*_COMMON_HEADERS, ("X-Request-Id", request_id), *response.headers]
        if not any(name == "Vary" for name, _ in response.headers):
            headers.append(("Vary", "Origin"))
        if response.etag and status == 200:
            headers.append(("ETag", response.etag))
        chunked = chunked and status != 304
        if status != 304:
            headers.append(("Content-Type", response.content_type))
            headers.append(("Transfer-Encoding", "chunked") if chunked
                           else ("Content-Length", str(len(response.body))))
        lines += [f"{name}: {value}" for name, value in headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        body = response.body if send_body and status != 304 else b""
        if chunked:
            body = _chunked(body) if send_body else b""
        self.wfile.write(head + body)


def _chunked(body: bytes, size: int = 64 * 1024) -> bytes:
    """`body` in HTTP/1.1 chunked transfer coding."""
    parts = [b"%x\r\n%s\r\n" % (len(body[k:k + size]), body[k:k + size]) for k in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"
