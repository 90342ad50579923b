"""The crawl goes through the proxy the environment names, as curl and huggingface_hub do.

Real crawls through real local proxies (plain forwarding, and CONNECT tunnels to a hub behind TLS), run
through the `hubcrawl` CLI in a subprocess against a FakeHub, into a real SQLite file.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import ProxyHandler, build_opener

import pytest
from scrapy import Request

from crawler.middlewares.env_proxy import EnvProxyMiddleware
from fakehub import FakeHub
from tests.test_crawl_integration import TWO_PAGES, hubcrawl, make_store, query, runs

pytestmark = pytest.mark.slow

DEAD_PORT = 9  # nothing listens there


class ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP proxy. It records each request line and its Proxy-Authorization in its server's
    `seen` and `credentials`, fetches absolute-form GETs directly, and tunnels CONNECT."""

    def do_GET(self) -> None:
        self.server.seen.append(self.path)
        self.server.credentials.append(self.headers.get("Proxy-Authorization"))
        try:
            response = build_opener(ProxyHandler({})).open(self.path, timeout=30)
        except HTTPError as error:
            response = error
        with response:
            body = response.read()
            self.send_response(response.status)
            for name, value in response.headers.items():
                if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_CONNECT(self) -> None:
        self.server.seen.append(f"CONNECT {self.path}")
        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), timeout=30)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        relay(self.connection, upstream)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


class CardDroppingProxy(ForwardingProxy):
    """Forwards the API, hangs up on every README download (a proxy that blocks the path)."""

    def do_GET(self) -> None:
        if "/resolve/" in self.path:
            self.server.seen.append(self.path)
            self.close_connection = True
            return
        super().do_GET()


@contextmanager
def local_proxy(handler: type[ForwardingProxy] = ForwardingProxy) -> Iterator[ThreadingHTTPServer]:
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    proxy.seen, proxy.credentials = [], []
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


def relay(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    backward = threading.Thread(target=_pump, args=(other, one), daemon=True)
    backward.start()
    _pump(one, other)
    backward.join(30)
    one.close()
    other.close()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def https_front(hub: FakeHub, tmp_path: Path) -> Iterator[str]:
    """https://127.0.0.1:PORT in front of the plain-HTTP fake hub (a self-signed certificate: Scrapy does
    not verify certificates by default). Yields its URL."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed_certificate(tmp_path))
    listener = socket.create_server(("127.0.0.1", 0))
    hub_port = int(hub.url.rsplit(":", 1)[1])

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=terminate_tls, args=(client,), daemon=True).start()

    def terminate_tls(client: socket.socket) -> None:
        try:
            secure = context.wrap_socket(client, server_side=True)
        except (OSError, ssl.SSLError):
            client.close()
            return
        relay(secure, socket.create_connection(("127.0.0.1", hub_port)))

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "hub.crt", folder / "hub.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return certificate_path, key_path


# --- tests ----------------------------------------------------------------------------------------------
def test_the_crawl_goes_through_the_proxy_the_environment_names(db_path):
    with local_proxy() as proxy, FakeHub(make_store(TWO_PAGES)) as hub:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path),
                          http_proxy=f"http://127.0.0.1:{proxy.server_port}")
    assert result.returncode == 0, result.stderr
    assert query(db_path, "SELECT count(*) FROM models") == [(TWO_PAGES,)]
    listing = [path for path in proxy.seen if path.startswith(f"{hub.url}/api/models?")]
    assert len(listing) == 2


def test_an_https_proxy_written_without_a_scheme_tunnels_to_an_https_hub(db_path, tmp_path):
    # `export https_proxy=host:port` is the common form: curl and httpx read it as http://host:port.
    with local_proxy() as proxy, FakeHub(make_store(10)) as hub, https_front(hub, tmp_path) as hub_url:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), HF_ENDPOINT=hub_url,
                          HUBCRAWL_MAX_RETRIES="0", https_proxy=f"127.0.0.1:{proxy.server_port}")
    assert result.returncode == 0, result.stderr[-600:]
    assert query(db_path, "SELECT count(*) FROM models") == [(10,)]
    assert proxy.seen == [f"CONNECT {hub_url.removeprefix('https://')}"]


def test_a_proxy_user_without_a_password_is_sent_as_user_colon(db_path):
    with local_proxy() as proxy, FakeHub(make_store(10)) as hub:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), HUBCRAWL_MAX_RETRIES="0",
                          http_proxy=f"http://proxytoken@127.0.0.1:{proxy.server_port}")
    assert result.returncode == 0, result.stderr[-800:]
    assert query(db_path, "SELECT count(*) FROM models") == [(10,)]
    assert proxy.credentials == ["Basic " + base64.b64encode(b"proxytoken:").decode()]


@pytest.mark.parametrize("unused", [
    {"ftp_proxy": f"http://anonymous@127.0.0.1:{DEAD_PORT}"},
    {"http_proxy": f"http://proxytoken@127.0.0.1:{DEAD_PORT}", "no_proxy": "127.0.0.1"},
])
def test_a_proxy_variable_the_crawl_does_not_use_cannot_stop_it(db_path, unused):
    with FakeHub(make_store(10)) as hub:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), **unused)
    assert result.returncode == 0, result.stderr[-800:]
    assert query(db_path, "SELECT count(*) FROM models") == [(10,)]


def test_a_proxy_that_cannot_be_reached_is_named_in_the_failure(db_path):
    with FakeHub(make_store(10)) as hub:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), HUBCRAWL_MAX_RETRIES="0",
                          http_proxy=f"http://proxy-user:proxy-secret@127.0.0.1:{DEAD_PORT}")
    assert result.returncode == 1
    assert f"through the proxy http://127.0.0.1:{DEAD_PORT} " in result.stderr
    assert "proxy-secret" not in result.stderr + result.stdout + str(runs(db_path))


def test_a_card_that_fails_at_the_connection_names_the_proxy_too(db_path):
    with local_proxy(CardDroppingProxy) as proxy, FakeHub(make_store(3)) as hub:
        result = hubcrawl(hub, "crawl", "--db", str(db_path), HUBCRAWL_MAX_RETRIES="0",
                          http_proxy=f"http://127.0.0.1:{proxy.server_port}")
    warnings = [line for line in result.stderr.splitlines() if "card of " in line and "not fetched" in line]
    assert len(warnings) == 3, result.stderr[-1500:]
    assert all(f"through the proxy http://127.0.0.1:{proxy.server_port} " in line for line in warnings)


@pytest.mark.parametrize("password", ["pässword", "pa€ss"])  # in latin-1, and not
def test_proxy_credentials_outside_ascii_are_sent_as_utf8_like_curl_does(db_path, password):
    expected = "Basic " + base64.b64encode(f"proxyuser:{password}".encode()).decode()
    with local_proxy() as proxy, FakeHub(make_store(10)) as hub:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), HUBCRAWL_MAX_RETRIES="0",
                          http_proxy=f"http://proxyuser:{quote(password)}@127.0.0.1:{proxy.server_port}")
    assert result.returncode == 0, result.stderr[-800:]
    assert query(db_path, "SELECT count(*) FROM models") == [(10,)]
    assert proxy.seen, "the crawl went around the proxy that http_proxy names"
    assert proxy.credentials == [expected] * len(proxy.seen)


def test_an_empty_proxy_in_a_request_still_means_no_proxy(monkeypatch):
    # Scrapy's way for one request to go around the environment's proxy.
    monkeypatch.setenv("https_proxy", "proxy.example:3128")
    request = Request("https://huggingface.co/api/models", meta={"proxy": ""})
    EnvProxyMiddleware().process_request(request)
    assert not request.meta["proxy"]
    assert b"Proxy-Authorization" not in request.headers
