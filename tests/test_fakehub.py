"""FakeHub over real HTTP (httpx against a running server): hf-api.md §6, point by point."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from fakehub import FakeHub, HubStore
from fakehub.samples import full_info_paths, load_aliases, load_api_samples, recorded_etags

TOKEN = "hf_not_a_real_token_123"


def record(model_id: str, object_id: str, **fields) -> dict:
    """A minimal model-info record; fields override the defaults."""
    base = {
        "_id": object_id,
        "id": model_id,
        "private": False,
        "tags": ["transformers", "region:us"],
        "downloads": 0,
        "likes": 0,
        "author": model_id.split("/")[0],
        "sha": hashlib.sha1(model_id.encode()).hexdigest(),
        "lastModified": "2025-01-01T00:00:00.000Z",
        "gated": False,
        "disabled": False,
        "createdAt": "2024-01-01T00:00:00.000Z",
        "trendingScore": 0,
    }
    return base | fields


def numbered(count: int, **fields) -> list[dict]:
    return [
        record(f"org{n % 3}/model-{n:03d}", f"{n:024x}", downloads=n * 10, **fields) for n in range(count)
    ]


@pytest.fixture
def store() -> HubStore:
    return HubStore(numbered(25))


@pytest.fixture
def hub(store: HubStore) -> Iterator[FakeHub]:
    with FakeHub(store) as running:
        yield running


@pytest.fixture
def client(hub: FakeHub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, follow_redirects=False) as http:
        yield http


def follow_pages(client: httpx.Client, url: str, params=None) -> list[httpx.Response]:
    pages = [client.get(url, params=params)]
    while "next" in pages[-1].links:
        pages.append(client.get(pages[-1].links["next"]["url"]))
    return pages


# -- listing and pagination -------------------------------------------------------------------------


def test_pagination_keeps_every_param_adds_default_sort_and_ends_without_link(client: httpx.Client, hub):
    params = [("filter", "transformers"), ("filter", "region:us"), ("author", "org1"), ("limit", "3")]
    pages = follow_pages(client, "/api/models", params)
    expected_ids = {f"org1/model-{n:03d}" for n in range(25) if n % 3 == 1}
    seen = [item["id"] for page in pages for item in page.json()]
    assert sorted(seen) == sorted(expected_ids)
    assert len(pages) == -(-len(expected_ids) // 3)
    assert "link" not in pages[-1].headers
    for page in pages[:-1]:
        next_url = urlsplit(page.links["next"]["url"])
        assert f"{next_url.scheme}://{next_url.netloc}" == hub.url
        query = parse_qsl(next_url.query)
        assert [pair for pair in query if pair[0] != "cursor" and pair[0] != "sort"] == params
        assert ("sort", "trendingScore") in query
        assert [key for key, _ in query].count("cursor") == 1


def test_explicit_sort_is_not_duplicated_in_next_link(client: httpx.Client):
    first = client.get("/api/models", params={"sort": "downloads", "limit": 5})
    query = parse_qsl(urlsplit(first.links["next"]["url"]).query)
    assert [value for key, value in query if key == "sort"] == ["downloads"]


def test_sort_is_descending_with_ties_broken_on_object_id(client: httpx.Client, store: HubStore):
    for model_id in ("org0/model-003", "org1/model-004", "org2/model-005"):
        store.update(model_id, likes=7)
    items = [
        item
        for page in follow_pages(client, "/api/models", {"sort": "likes", "limit": 4})
        for item in page.json()
    ]
    expected = sorted((store.get(i) for i in store.ids()), key=lambda r: (-r["likes"], r["_id"]))
    assert [item["id"] for item in items] == [r["id"] for r in expected]


def test_keyset_cursor_survives_changes_between_pages(client: httpx.Client, store: HubStore):
    originals = set(store.ids())
    first = client.get("/api/models", params={"sort": "downloads", "limit": 10})
    served = [item["id"] for item in first.json()]
    last_downloads = store.get(served[-1])["downloads"]
    # Between two pages: served models move around above the cursor, a new model enters at the top,
    # a served model disappears, and a not-yet-served model grows without passing the cursor.
    store.update(served[5], downloads=10**9)
    store.add(record("newcomer/top", "f" * 24, downloads=10**8))
    store.remove(served[2])
    unseen = sorted(originals - set(served), key=lambda i: store.get(i)["downloads"])[0]
    store.update(unseen, downloads=last_downloads - 1)
    rest = follow_pages(client, first.links["next"]["url"])
    later = [item["id"] for page in rest for item in page.json()]
    everything = served + later
    assert len(everything) == len(set(everything)), "a model was served twice"
    assert set(everything) == originals, "a model was skipped"


def test_search_pipeline_tag_and_gated_filters(client: httpx.Client, store: HubStore):
    store.add(record("Acme/Big-Segmenter", "a" * 24, pipeline_tag="image-segmentation", gated="auto"))
    assert [m["id"] for m in client.get("/api/models", params={"search": "big-SEG"}).json()] == [
        "Acme/Big-Segmenter"
    ]
    tagged = client.get("/api/models", params={"pipeline_tag": "image-segmentation"}).json()
    assert [m["id"] for m in tagged] == ["Acme/Big-Segmenter"]
    assert [m["id"] for m in client.get("/api/models", params={"gated": "true"}).json()] == [
        "Acme/Big-Segmenter"
    ]
    assert client.get("/api/models", params={"author": "acme"}).json() == []  # exact namespace


def test_default_list_item_fields_omit_unknown_task_and_library(client: httpx.Client, store: HubStore):
    store.add(record("solo/with-task", "b" * 24, pipeline_tag="fill-mask", library_name="transformers"))
    items = {item["id"]: item for item in client.get("/api/models").json()}
    with_task = items["solo/with-task"]
    assert list(with_task) == [
        "_id", "id", "likes", "trendingScore", "private", "downloads", "tags",
        "pipeline_tag", "library_name", "createdAt", "modelId",
    ]  # fmt: skip
    assert with_task["modelId"] == "solo/with-task"
    store.add(record("solo/nulls", "c" * 24, pipeline_tag=None, library_name=None))
    items = {item["id"]: item for item in client.get("/api/models").json()}
    assert "pipeline_tag" not in items["solo/nulls"] and "library_name" not in items["solo/nulls"]
    bare = items["org0/model-000"]
    assert "pipeline_tag" not in bare and "library_name" not in bare
    assert "sha" not in bare and "author" not in bare


def test_list_expand_returns_only_requested_fields(client: httpx.Client):
    items = client.get("/api/models", params=[("expand", "downloads"), ("expand[]", "sha")]).json()
    assert items and all(set(item) == {"_id", "id", "downloads", "sha"} for item in items)


def test_unknown_expand_is_400_with_json_error(client: httpx.Client):
    for path in ("/api/models", "/api/models/org0/model-000"):
        response = client.get(path, params={"expand[]": "nonsense"})
        assert response.status_code == 400
        assert "error" in response.json()


def test_strict_list_expand_refuses_info_only_fields(store: HubStore):
    with FakeHub(store, strict_list_expand=True) as strict, FakeHub(store) as lenient:
        for field in ("baseModels", "childrenModelCount", "usedStorage"):
            assert httpx.get(f"{strict.url}/api/models", params={"expand": field}).status_code == 400
            assert httpx.get(f"{lenient.url}/api/models", params={"expand": field}).status_code == 200
        info = httpx.get(f"{strict.url}/api/models/org0/model-000", params={"expand": "baseModels"})
        assert info.status_code == 200


# -- model info --------------------------------------------------------------------------------------


def test_info_and_every_revision_form_return_the_same_body(client: httpx.Client, store: HubStore):
    model = store.get("org1/model-001")
    body = client.get("/api/models/org1/model-001").content
    assert json.loads(body)["sha"] == model["sha"]
    for revision in ("main", "HEAD", model["sha"], model["sha"][:10], "refs%2Fpr%2F1"):
        response = client.get(f"/api/models/org1/model-001/revision/{revision}")
        assert response.status_code == 200, revision
        assert response.content == body
    missing = client.get("/api/models/org1/model-001/revision/no-such-branch")
    assert missing.status_code == 404
    assert missing.headers["x-error-code"] == "RevisionNotFound"


def test_info_caps_spaces_and_sends_null_model_index_when_card_has_metadata(client: httpx.Client, store):
    spaces = [f"user/space-{n}" for n in range(150)]
    store.add(record("org9/popular", "c" * 24, spaces=spaces, cardData={"license": "mit"}))
    info = client.get("/api/models/org9/popular").json()
    assert info["spaces"] == spaces[:100]
    assert "model-index" in info and info["model-index"] is None
    assert "trendingScore" not in info  # expand-only, as in every recorded info body
    assert (
        client.get("/api/models/org9/popular", params={"expand": "spaces"}).json()["spaces"] == spaces[:100]
    )
    assert "model-index" not in client.get("/api/models/org0/model-000").json()  # no card metadata


def test_info_expand_selects_fields_and_derives_the_model_tree(client: httpx.Client, store: HubStore):
    parent = store.get("org0/model-000")
    children_url = f"/api/models/{parent['id']}"
    before = client.get(children_url, params={"expand": "childrenModelCount"}).json()
    assert "childrenModelCount" not in before  # no children yet: the field is omitted
    store.add(
        record(
            "kid/adapter", "d" * 24, tags=[f"base_model:{parent['id']}", f"base_model:adapter:{parent['id']}"]
        )
    )
    kid = client.get(
        "/api/models/kid/adapter", params=[("expand[]", "baseModels"), ("expand[]", "sha")]
    ).json()
    assert kid["baseModels"] == {
        "relation": "adapter",
        "models": [{"_id": parent["_id"], "id": parent["id"]}],
    }
    assert set(kid) == {"_id", "id", "sha", "baseModels"}
    counts = client.get(children_url, params={"expand": "childrenModelCount"}).json()
    assert counts["childrenModelCount"] == {"adapter": 1}
    listed = client.get("/api/models", params={"expand": "childrenModelCount", "author": "org0"}).json()
    assert {"adapter": 1} in [item.get("childrenModelCount") for item in listed]


def test_alias_answers_307_with_relative_location_and_query_kept(client: httpx.Client, store: HubStore):
    store.rename("org2/model-002", "org2/renamed")
    response = client.get("/api/models/org2/model-002", params={"expand": "sha"})
    assert response.status_code == 307
    assert response.headers["location"] == "/api/models/org2/renamed?expand=sha"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "Temporary Redirect. Redirecting to /api/models/org2/renamed?expand=sha"
    followed = client.get("/api/models/org2/model-002", follow_redirects=True).json()
    assert followed["id"] == "org2/renamed" and followed["_id"] == f"{2:024x}"
    card = client.get("/org2/model-002/resolve/main/README.md")
    assert card.status_code == 307 and card.headers["location"] == "/org2/renamed/resolve/main/README.md"


def test_unknown_repo_is_401_anonymous_and_404_with_a_token(client: httpx.Client, store: HubStore):
    store.remove("org0/model-003")
    for path in (
        "/api/models/org0/model-003",
        "/api/models/nobody/nothing",
        "/nobody/nothing/resolve/main/README.md",
    ):
        anonymous = client.get(path)
        assert anonymous.status_code == 401
        assert anonymous.json() == {"error": "Invalid username or password."}
        assert anonymous.headers["x-error-message"] == "Invalid username or password."
        with_token = client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert with_token.status_code == 404
        assert with_token.headers["x-error-code"] == "RepoNotFound"
    listed = [m["id"] for page in follow_pages(client, "/api/models") for m in page.json()]
    assert "org0/model-003" not in listed


# -- README and ETags ----------------------------------------------------------------------------------


def test_readme_resolve_has_git_blob_etag_commit_and_304(client: httpx.Client, store: HubStore):
    card = "---\nlicense: mit\n---\n# Ünïcode card\n".encode()
    store.set_card("org1/model-004", card)
    sha = store.get("org1/model-004")["sha"]
    git_object_id = hashlib.sha1(b"blob " + str(len(card)).encode() + b"\x00" + card).hexdigest()
    for kind in ("resolve", "raw"):
        response = client.get(f"/org1/model-004/{kind}/main/README.md")
        assert response.status_code == 200
        assert response.content == card
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["etag"] == f'"{git_object_id}"'
        assert response.headers["x-repo-commit"] == sha
    again = client.get(
        "/org1/model-004/resolve/main/README.md", headers={"If-None-Match": f'"{git_object_id}"'}
    )
    assert again.status_code == 304 and again.content == b""
    head = client.head("/org1/model-004/resolve/main/README.md")
    assert head.status_code == 200 and head.headers["etag"] == f'"{git_object_id}"'


def test_missing_readme_is_entry_not_found(client: httpx.Client, store: HubStore):
    store.set_card("org1/model-004", None)
    response = client.get("/org1/model-004/resolve/main/README.md")
    assert response.status_code == 404
    assert response.headers["x-error-code"] == "EntryNotFound"
    assert response.headers["x-error-message"] == "Entry not found"
    assert response.headers["x-repo-commit"] == store.get("org1/model-004")["sha"]


def test_api_weak_etag_is_express_format_and_304_on_match(client: httpx.Client):
    response = client.get("/api/models/org0/model-000")
    digest = base64.b64encode(hashlib.sha1(response.content).digest()).decode()[:27]
    assert response.headers["etag"] == f'W/"{len(response.content):x}-{digest}"'
    cached = client.get("/api/models/org0/model-000", headers={"If-None-Match": response.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b""


@pytest.mark.shared
def test_real_samples_are_served_byte_for_byte_with_their_recorded_etags(api_samples_dir):
    store = HubStore(load_api_samples(api_samples_dir))
    etags = recorded_etags(api_samples_dir)
    paths = full_info_paths(api_samples_dir)
    assert len(paths) == len(store)
    with FakeHub(store) as hub, httpx.Client(base_url=hub.url) as http:
        for path in paths:
            model_id = json.loads(path.read_bytes())["id"]
            response = http.get(f"/api/models/{model_id}")
            assert response.content == path.read_bytes(), path.name
            assert response.headers["etag"] == etags[path.name], path.name


@pytest.mark.shared
def test_recorded_aliases_redirect_like_the_hub(api_samples_dir):
    store = HubStore(load_api_samples(api_samples_dir))
    for old, new in load_aliases(api_samples_dir).items():
        store.add_alias(old, new)
    with FakeHub(store) as hub:
        response = httpx.get(f"{hub.url}/api/models/bert-base-uncased")
    recorded = next(e for e in json.loads((api_samples_dir / "INDEX.json").read_text()) if e["status"] == 307)
    assert response.status_code == recorded["status"]
    assert response.headers["location"] == recorded["response_headers"]["Location"]
    assert response.content == (api_samples_dir / recorded["file"]).read_bytes()


# -- rate limits and faults ----------------------------------------------------------------------------


def parse_ratelimit(response: httpx.Response) -> tuple[str, int, int]:
    bucket, remaining, reset = response.headers["ratelimit"].split(";")
    return bucket.strip('"'), int(remaining.removeprefix("r=")), int(reset.removeprefix("t="))


def test_ratelimit_headers_on_every_response_with_separate_buckets(client: httpx.Client, hub: FakeHub):
    hub.faults.set_quota(api=50, resolvers=20, window=300)
    responses = [
        client.get("/api/models"),
        client.get("/api/models/org0/model-000"),
        client.get("/api/models/nobody/nothing"),
        client.get("/org0/model-000/resolve/main/README.md"),
    ]
    buckets = [parse_ratelimit(r) for r in responses]
    assert [b[0] for b in buckets] == ["api", "api", "api", "resolvers"]
    assert [b[1] for b in buckets] == [49, 48, 47, 19]
    assert all(0 < b[2] <= 300 for b in buckets)
    assert responses[0].headers["ratelimit-policy"] == '"fixed window";"api";q=50;w=300'
    assert responses[3].headers["ratelimit-policy"] == '"fixed window";"resolvers";q=20;w=300'


def test_exhausted_quota_answers_429_with_retry_after(client: httpx.Client, hub: FakeHub):
    hub.faults.set_quota(api=3, resolvers=100, window=300)
    statuses = [client.get("/api/models/org0/model-000").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/models")
    assert refused.status_code == 429
    bucket, remaining, reset = parse_ratelimit(refused)
    assert (bucket, remaining) == ("api", 0)
    assert int(refused.headers["retry-after"]) == reset
    assert "quota of 3 api requests per 5 minutes" in refused.json()["error"]
    assert refused.headers["x-error-message"] == refused.json()["error"]
    assert client.get("/org0/model-000/resolve/main/README.md").status_code != 429  # other bucket


def test_rate_limit_storm_and_injected_failures(client: httpx.Client, hub: FakeHub):
    hub.faults.rate_limit_next(2, retry_after=7, path_prefix="/api/models/")
    storm = [client.get("/api/models/org0/model-000") for _ in range(3)]
    assert [r.status_code for r in storm] == [429, 429, 200]
    assert storm[0].headers["retry-after"] == "7"
    assert parse_ratelimit(storm[0])[1:] == (0, 7)
    hub.faults.fail_next(2, status=503)
    assert client.get("/org0/model-000/resolve/main/README.md").status_code != 503  # prefix /api/models only
    assert [client.get("/api/models").status_code for _ in range(3)] == [503, 503, 200]


def test_request_log_records_auth_presence_but_never_the_token(client: httpx.Client, hub: FakeHub):
    hub.clear_requests()
    client.get(
        "/api/models", params={"limit": 2}, headers={"Authorization": f"Bearer {TOKEN}", "User-Agent": "ua/1"}
    )
    client.get("/api/models/org0/model-000", headers={"If-None-Match": 'W/"x"'})
    first, second = hub.requests
    assert (first.method, first.path, first.query, first.status) == ("GET", "/api/models", "limit=2", 200)
    assert first.has_auth and first.headers["user-agent"] == "ua/1"
    assert not second.has_auth and second.headers["if-none-match"] == 'W/"x"'
    assert TOKEN not in repr(hub.requests)


def test_spaces_endpoint_lists_every_space_of_a_model(client: httpx.Client, store: HubStore):
    spaces = [f"user/space-{n}" for n in range(7)]
    store.add(record("org9/with-spaces", "e" * 24, spaces=spaces))
    pages = follow_pages(client, "/api/spaces", {"models": "org9/with-spaces", "limit": 3})
    assert [item["id"] for page in pages for item in page.json()] == spaces
    assert all(len(item["_id"]) == 24 for page in pages for item in page.json())


def test_full_listing_and_provider_mapping_shapes(client: httpx.Client, store: HubStore):
    mapping = {"fal-ai": {"status": "live", "providerId": "fal-ai/x", "task": "text-to-image"}}
    store.add(
        record(
            "org9/served",
            "9" * 24,
            siblings=[{"rfilename": "README.md", "size": 10}],
            config={"model_type": "bert"},
            inferenceProviderMapping=mapping,
        )
    )
    full = {m["id"]: m for m in client.get("/api/models", params={"full": "true", "config": "true"}).json()}
    item = full["org9/served"]
    assert item["siblings"] == [{"rfilename": "README.md"}]  # names only in list responses
    assert item["config"] == {"model_type": "bert"} and item["author"] == "org9" and "sha" in item
    listed = client.get(
        "/api/models", params={"expand": "inferenceProviderMapping", "search": "org9/served"}
    ).json()
    assert listed[0]["inferenceProviderMapping"] == [
        {"provider": "fal-ai", "hfModelId": "org9/served", **mapping["fal-ai"]}
    ]
    info = client.get("/api/models/org9/served", params={"expand": "inferenceProviderMapping"}).json()
    assert info["inferenceProviderMapping"] == mapping


def test_forged_or_foreign_cursors_are_400(client: httpx.Client):
    by_likes = client.get("/api/models", params={"sort": "likes", "limit": 2}).links["next"]["url"]
    cursor = dict(parse_qsl(urlsplit(by_likes).query))["cursor"]
    assert client.get("/api/models", params={"sort": "downloads", "cursor": cursor}).status_code == 400
    forged = base64.b64encode(b'{"$or":[{"lastModified":"yesterday","_id":{"$gt":"0"}}]}').decode()
    response = client.get("/api/models", params={"sort": "lastModified", "cursor": forged})
    assert response.status_code == 400 and "error" in response.json()
    assert client.get("/api/models", params={"cursor": "%%%"}).status_code == 400
