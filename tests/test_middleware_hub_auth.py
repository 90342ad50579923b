"""HubAuthMiddleware: the token goes to the Hub's host only, and never shows in its repr."""

from __future__ import annotations

from scrapy.http import Request

from crawler.middlewares.hub_auth import HubAuthMiddleware

TOKEN = "hf_test_secret_value_123"


def test_token_is_sent_to_the_hub_host():
    middleware = HubAuthMiddleware("http://127.0.0.1:8080", TOKEN)
    request = Request("http://127.0.0.1:8080/api/models?limit=1")
    middleware.process_request(request)
    assert request.headers.get("Authorization") == f"Bearer {TOKEN}".encode()


def test_token_is_not_sent_elsewhere():
    middleware = HubAuthMiddleware("https://huggingface.co", TOKEN)
    for url in ("https://cdn-lfs.huggingface.co/x", "http://huggingface.co/api/models",
                "https://huggingface.co.evil.example/api"):
        request = Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
        middleware.process_request(request)
        assert request.headers.get("Authorization") is None, url


def test_no_token_means_no_header():
    middleware = HubAuthMiddleware("https://huggingface.co", None)
    request = Request("https://huggingface.co/api/models")
    middleware.process_request(request)
    assert request.headers.get("Authorization") is None


def test_token_never_in_repr():
    assert TOKEN not in repr(HubAuthMiddleware("https://huggingface.co", TOKEN))
