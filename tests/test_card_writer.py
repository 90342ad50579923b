"""write_card / mark_card_not_modified against a real migrated SQLite file."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from crawler.pipelines.sqlite_writer import card_api_from_info
from db.card_writer import mark_card_not_modified, write_card
from db.connection import connect
from ingest.cards import CardResult, build_card_result
from tests.factories import add_model, new_db

MODEL = "org/seg-model-7b"
CARD_URL = f"https://huggingface.co/{MODEL}/resolve/main/README.md"
SHA1, SHA2 = "1" * 40, "2" * 40

CARD = """---
license: mit
language: [en, fr]
base_model: org/base
datasets: org/data
model-index:
- name: seg
  results:
  - task: {type: image-segmentation}
    dataset: {type: scene_parse_150, name: ADE20K}
    metrics:
    - {type: mean_iou, name: mIoU, value: 57.7}
    - {type: pixel_acc, value: 85.1}
---
# Seg model
Code at https://github.com/org/seg and paper arXiv:2112.01527.
It has 6.5 billion parameters.

## Uses
- Segmenting street scenes.
"""

# The trace from a capability to its benchmark row, exactly as documented in docs/cards.md.
TRACE_SQL = """
SELECT c.name, c.confidence, e.kind, e.quote, r.dataset_name, r.metric_type, r.value, r.verified, r.source_url
FROM capabilities c
JOIN capability_evidence e ON e.capability_id = c.capability_id
LEFT JOIN eval_results r ON r.eval_id = e.eval_id
WHERE c.model_id = ?
ORDER BY c.capability_id, e.rowid
"""


def _result(text: str = CARD, *, sha: str = SHA1, api: dict | None = None, status: str = "ok",
            children: dict[str, int] | None = None) -> CardResult:
    return build_card_result(
        MODEL,
        status=status,
        body=text.encode() if status == "ok" else None,
        http_status=200,
        etag='"etag-1"',
        sha=sha,
        source_url=CARD_URL,
        fetched_at="2026-11-01T06:00:00Z",
        api=api,
        children={"adapter": 2} if children is None else children,
    )


@pytest.fixture
def conn(db_path: Path):
    db = new_db(db_path)
    add_model(db, MODEL, params=None, params_source=None)
    db.conn.commit()
    db.conn.close()
    connection = connect(db_path)
    yield connection
    connection.close()


def _count(conn, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_rows_are_written_with_provenance(conn) -> None:
    result = _result()
    write_card(conn, result)
    card = conn.execute(
        "SELECT status, sha, etag, source_url, size_bytes, text_zlib, front_matter FROM cards"
    ).fetchone()
    assert card[:5] == ("ok", SHA1, '"etag-1"', CARD_URL, len(CARD.encode()))
    assert zlib.decompress(card[5]).decode() == CARD
    assert json.loads(card[6])["license"] == "mit"
    meta = conn.execute(
        "SELECT license, languages, base_models, datasets, sha, fetched_at FROM card_metadata"
    ).fetchone()
    assert meta[0] == "MIT"
    assert json.loads(meta[1]) == ["en", "fr"] and json.loads(meta[2]) == ["org/base"]
    assert json.loads(meta[3]) == ["org/data"]
    assert meta[4:] == (SHA1, "2026-11-01T06:00:00Z")
    evals = conn.execute(
        "SELECT metric_type, value, verified, source_url, sha FROM eval_results ORDER BY eval_id"
    )
    assert evals.fetchall() == [
        ("mean_iou", 57.7, None, CARD_URL, SHA1),
        ("pixel_acc", 85.1, None, CARD_URL, SHA1),
    ]
    links = set(conn.execute("SELECT kind, target FROM card_links"))
    assert links == {("github", "org/seg"), ("arxiv", "2112.01527")}
    paths = [row[0] for row in conn.execute("SELECT path FROM card_sections ORDER BY ord")]
    assert paths == ["Seg model", "Seg model > Uses"]
    assert _count(conn, "capabilities") == len(result.capabilities)
    assert _count(conn, "capability_evidence") == sum(len(c.evidence) for c in result.capabilities)
    missing_sha = "SELECT count(*) FROM {} WHERE sha IS NOT ? OR fetched_at IS NULL"
    for table in ("card_sections", "card_links", "eval_results", "capabilities"):
        assert conn.execute(missing_sha.format(table), (SHA1,)).fetchone()[0] == 0, table


def test_rewrite_replaces_rows_without_duplicates(conn) -> None:
    write_card(conn, _result())
    counts = {
        t: _count(conn, t)
        for t in ("eval_results", "card_links", "card_sections", "capabilities", "capability_evidence")
    }
    write_card(conn, _result(sha=SHA2))
    assert {t: _count(conn, t) for t in counts} == counts
    assert conn.execute("SELECT DISTINCT sha FROM eval_results").fetchall() == [(SHA2,)]
    shorter = CARD.replace("    - {type: pixel_acc, value: 85.1}\n", "")
    write_card(conn, _result(shorter, sha=SHA2))
    assert _count(conn, "eval_results") == 1


def test_evidence_joins_to_the_new_eval_rows_in_one_query(conn) -> None:
    write_card(conn, _result())
    write_card(conn, _result(sha=SHA2))  # eval_ids change on rewrite; evidence must follow
    rows = [row for row in conn.execute(TRACE_SQL, (MODEL,)) if row[2] == "eval_result"]
    assert [(r[4], r[5], r[6]) for r in rows] == [("ADE20K", "mean_iou", 57.7), ("ADE20K", "pixel_acc", 85.1)]
    assert all(r[3] == str(r[6]) for r in rows)  # the quote is the value as written
    dangling = "SELECT count(*) FROM capability_evidence WHERE kind = 'eval_result' AND eval_id IS NULL"
    assert conn.execute(dangling).fetchone()[0] == 0


def test_params_claim_fills_null_params(conn) -> None:
    write_card(conn, _result())
    assert conn.execute("SELECT params, params_source FROM models").fetchone() == (6_500_000_000, "card_text")
    stored = conn.execute(
        "SELECT params_claim, params_claim_source, params_claim_evidence FROM card_metadata"
    )
    assert stored.fetchone() == (6_500_000_000, "card_text", "It has 6.5 billion parameters.")


def test_params_claim_never_overwrites_api_counts(conn) -> None:
    conn.execute("UPDATE models SET params = 6738415616, params_source = 'safetensors.total'")
    conn.commit()
    write_card(conn, _result())
    assert conn.execute("SELECT params, params_source FROM models").fetchone() == (
        6738415616,
        "safetensors.total",
    )


def test_params_claim_replaces_an_earlier_card_claim_and_falls_back_to_name(conn) -> None:
    conn.execute("UPDATE models SET params = 123, params_source = 'card_text'")
    conn.commit()
    write_card(conn, _result(CARD.replace("It has 6.5 billion parameters.\n", "")))
    # No prose claim left: the name 'seg-model-7b' is the last resort.
    assert conn.execute("SELECT params, params_source FROM models").fetchone() == (
        7_000_000_000,
        "model_name",
    )


def test_missing_card_still_records_status_and_clears_old_rows(conn) -> None:
    write_card(conn, _result())
    write_card(conn, _result(status="missing"))
    card = conn.execute("SELECT status, text_zlib, size_bytes, parse_error FROM cards").fetchone()
    assert card == ("missing", None, None, None)
    assert _count(conn, "eval_results") == 0 and _count(conn, "card_sections") == 0
    assert _count(conn, "card_links") == 0


def test_conflicts_are_stored_as_json(conn) -> None:
    write_card(conn, _result(api={"tags": ["license:apache-2.0"]}))
    field, values = conn.execute("SELECT field, values_by_source FROM fact_conflicts").fetchone()
    assert field == "license" and json.loads(values) == {"card": "MIT", "tags": "Apache-2.0"}


def test_unknown_model_writes_nothing(conn) -> None:
    other = build_card_result(
        "nobody/unknown",
        status="ok",
        body=CARD.encode(),
        http_status=200,
        etag=None,
        sha=SHA1,
        source_url="https://x",
        fetched_at="2026-11-01T06:00:00Z",
    )
    write_card(conn, other)
    assert _count(conn, "cards") == 0 and _count(conn, "capabilities") == 0


def test_absent_facts_are_null_not_empty(conn) -> None:
    write_card(conn, _result("# Just a title\n"))
    row = conn.execute("SELECT license, languages, base_models, tags, gating FROM card_metadata").fetchone()
    assert row == (None, None, None, None, None)
    assert conn.execute("SELECT parse_error, front_matter FROM cards").fetchone() == (None, None)


def test_mark_not_modified_updates_only_sha_and_fetched_at(conn) -> None:
    write_card(conn, _result())
    before = {
        t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("card_metadata", "eval_results", "models")
    }
    card_before = conn.execute("SELECT status, etag, text_zlib, size_bytes FROM cards").fetchone()
    mark_card_not_modified(conn, MODEL, sha=SHA2, fetched_at="2026-11-02T06:00:00Z")
    assert conn.execute("SELECT sha, fetched_at FROM cards").fetchone() == (SHA2, "2026-11-02T06:00:00Z")
    assert conn.execute("SELECT status, etag, text_zlib, size_bytes FROM cards").fetchone() == card_before
    assert {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in before} == before


def test_fetch_error_keeps_a_good_card(conn) -> None:
    write_card(conn, _result())
    before = {t: _count(conn, t) for t in ("eval_results", "card_sections", "capabilities")}
    write_card(conn, _result(sha=SHA2, status="error"))
    assert conn.execute("SELECT status, sha FROM cards").fetchone() == ("ok", SHA1)
    assert {t: _count(conn, t) for t in before} == before


def test_fetch_error_without_a_good_card_is_recorded(conn) -> None:
    write_card(conn, _result(status="error"))
    assert conn.execute("SELECT status, text_zlib FROM cards").fetchone() == ("error", None)


# ---- a listing crawl's card refresh after a recrawl ------------------------------------------------
# A recrawl builds the card with the info body (evalResults, the Hub's verified flags); the listing's
# items carry neither. Refreshing the card from a list item must not erase what only the info body
# says: nothing already stored is lost.
INFO_API = {
    "evalResults": [{"filename": ".eval_results/ade.yaml", "verified": True,
                     "data": {"dataset": {"id": "org/ade", "task_id": "seg"}, "value": 61.5}}],
    "model-index": [{"name": "seg", "results": [{
        "task": {"type": "image-segmentation"},
        "dataset": {"type": "scene_parse_150", "name": "ADE20K"},
        "metrics": [{"type": "mean_iou", "value": 57.7, "verified": True}]}]}],
}
LIST_ITEM_API = {"id": MODEL, "tags": ["license:mit"], "cardData": {"license": "mit"}}


def _eval_rows(conn) -> set[tuple]:
    return set(conn.execute("SELECT source_kind, dataset_id, metric_type, value, verified FROM eval_results"))


def test_a_card_refresh_without_eval_results_keeps_the_stored_ones(conn) -> None:
    write_card(conn, _result(api=INFO_API))
    stored = {row for row in _eval_rows(conn) if row[0] == "evalResults"}
    assert stored == {("evalResults", "org/ade", None, 61.5, 1)}
    write_card(conn, _result(sha=SHA2, api=LIST_ITEM_API))
    assert {row for row in _eval_rows(conn) if row[0] == "evalResults"} == stored
    kept_sha = conn.execute("SELECT sha FROM eval_results WHERE source_kind = 'evalResults'").fetchall()
    assert kept_sha == [(SHA1,)]  # provenance: still the commit they were read at


def _eval_capabilities(conn) -> set[tuple]:
    """(capability name, cited row's source_kind, dataset_id, value): every cited row must exist."""
    return set(conn.execute(
        "SELECT k.name, e.source_kind, e.dataset_id, e.value FROM capabilities k "
        "JOIN capability_evidence ev USING (capability_id) JOIN eval_results e ON e.eval_id = ev.eval_id"
    ))


def test_a_card_refresh_keeps_the_capabilities_of_the_eval_results_it_keeps(conn) -> None:
    # Each benchmark result is a capability with evidence: a kept row keeps its capability, and the
    # evidence still cites it.
    write_card(conn, _result(api=INFO_API))
    from_info = {row for row in _eval_capabilities(conn) if row[1] == "evalResults"}
    assert {row[2:] for row in from_info} == {("org/ade", 61.5)}
    write_card(conn, _result(sha=SHA2, api=LIST_ITEM_API))
    assert {row for row in _eval_capabilities(conn) if row[1] == "evalResults"} == from_info
    write_card(conn, _result(sha=SHA2, api=LIST_ITEM_API))  # twice: kept once, not duplicated
    cited = conn.execute("SELECT count(*) FROM capability_evidence ev JOIN eval_results e "
                         "ON e.eval_id = ev.eval_id WHERE e.source_kind = 'evalResults'").fetchone()[0]
    assert cited == 1


def test_a_body_with_eval_results_replaces_them(conn) -> None:
    write_card(conn, _result(api=INFO_API))
    write_card(conn, _result(sha=SHA2, api={**INFO_API, "evalResults": []}))
    assert {row for row in _eval_rows(conn) if row[0] == "evalResults"} == set()


def test_a_card_refresh_without_the_hubs_model_index_keeps_its_verified_flags(conn) -> None:
    write_card(conn, _result(api=INFO_API))
    write_card(conn, _result(sha=SHA2, api=LIST_ITEM_API))
    rows = {row[2:] for row in _eval_rows(conn) if row[0] == "model-index"}
    # mean_iou 57.7 is the metric the Hub verified; pixel_acc was never in its copy.
    assert rows == {("mean_iou", 57.7, 1), ("pixel_acc", 85.1, None)}


def test_a_changed_value_does_not_inherit_a_verified_flag(conn) -> None:
    write_card(conn, _result(api=INFO_API))
    write_card(conn, _result(CARD.replace("value: 57.7", "value: 60.1"), sha=SHA2, api=LIST_ITEM_API))
    rows = {row[2:] for row in _eval_rows(conn) if row[0] == "model-index"}
    assert rows == {("mean_iou", 60.1, None), ("pixel_acc", 85.1, None)}


# Capabilities whose only evidence is a field of the info endpoint (model tree, providers, transformersInfo):
# a list item carries none of those fields, so a listing's card refresh must not drop them.
INFO_ONLY_API = {
    "inferenceProviderMapping": {"acme-cloud": {"status": "live", "providerId": "x"}},
    "childrenModelCount": {"adapter": 2},
}


def _capability_names(conn) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM capabilities")}


def test_a_listing_refresh_keeps_capabilities_only_the_info_endpoint_can_show(conn) -> None:
    write_card(conn, _result(api=card_api_from_info(INFO_ONLY_API), children={"adapter": 2}))
    from_info = _capability_names(conn) & {"inference providers", "has adapters"}
    assert from_info == {"inference providers", "has adapters"}
    listing = build_card_result(MODEL, status="ok", body=CARD.encode(), http_status=200, etag=None, sha=SHA2,
                                source_url=CARD_URL, fetched_at="2026-11-02T06:00:00Z", api=LIST_ITEM_API)
    write_card(conn, listing)
    assert from_info <= _capability_names(conn)
    kept = conn.execute("SELECT DISTINCT sha FROM capabilities WHERE name IN "
                        "('inference providers', 'has adapters')").fetchall()
    assert kept == [(SHA1,)]  # provenance: the commit and time they were read at


def test_a_recrawl_without_those_fields_drops_them(conn) -> None:
    write_card(conn, _result(api=card_api_from_info(INFO_ONLY_API), children={"adapter": 2}))
    # The Hub omits an expanded field with no value: the info body now says there are none.
    write_card(conn, _result(sha=SHA2, api=card_api_from_info({}), children={}))
    assert not _capability_names(conn) & {"inference providers", "has adapters"}
