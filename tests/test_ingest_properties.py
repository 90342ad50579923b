"""Property tests: normalization never crashes on odd JSON and never invents empty values."""

from __future__ import annotations

import re
import tempfile
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from db.writer import Writer
from ingest.licenses import canonical_license
from ingest.listing import normalize_model, normalize_page
from ingest.timestamps import parse_timestamp

START = "2026-01-01T00:00:00Z"
STORED_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
API_KEYS = [
    "_id", "id", "modelId", "author", "sha", "pipeline_tag", "library_name", "tags", "cardData", "gated",
    "private", "disabled", "inference", "createdAt", "lastModified", "downloads", "downloadsAllTime",
    "likes", "trendingScore", "safetensors", "gguf", "spaces", "childrenModelCount", "baseModels",
]

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
NESTED_KEYS = [*API_KEYS, "total", "license", "license_name", "relation", "models"]
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(NESTED_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
api_objects = st.dictionaries(st.sampled_from(API_KEYS), json_values, max_size=12)


@settings(max_examples=60, deadline=None)
@given(api_objects)
def test_normalize_model_raises_only_value_error_and_never_stores_empty_strings(raw):
    try:
        facts = normalize_model(raw, source_url="u", fetched_at="2026-01-01T00:00:00Z")
    except ValueError:
        return
    for field in fields(facts):
        value = getattr(facts, field.name)
        assert value != "", field.name
        assert value not in ("None", "nan", "undefined"), field.name
    for stamp in (facts.created_at, facts.last_modified):
        assert stamp is None or STORED_TIMESTAMP.fullmatch(stamp)
    assert facts.params is None or (isinstance(facts.params, int) and facts.params > 0)


@settings(max_examples=50, deadline=None)
@given(st.lists(json_values, max_size=6))
def test_normalize_page_never_raises(items):
    facts, problems = normalize_page(items, source_url="u", fetched_at="2026-01-01T00:00:00Z")
    assert len(facts) + len(problems) == len(items)


@settings(max_examples=15, deadline=None)
@given(st.lists(api_objects.map(lambda raw: {**raw, "id": "org/model"}) | api_objects, max_size=4))
def test_whatever_normalization_accepts_the_writer_stores(items):
    with tempfile.TemporaryDirectory() as tmp:
        writer = Writer(Path(tmp) / "hub.db")
        try:
            run_id = writer.start_run("crawl", {}, full_listing=False, pid=0, started_at=START)
            for fetched_at in ("2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z"):
                facts, _ = normalize_page(items, source_url="u", fetched_at=fetched_at)
                stats = writer.write_page(run_id, url="u", status=200, kind="listing", fetched_at=fetched_at,
                                          body=b"[]", facts=facts)
                assert stats.seen == len({f.model_id for f in facts})
        finally:
            writer.close()


@settings(max_examples=120, deadline=None)
@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(-14 * 60, 14 * 60),
    st.sampled_from(["T", " "]),
)
def test_any_iso_timestamp_with_offset_becomes_the_same_utc_instant(moment, offset_minutes, separator):
    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    text = aware.isoformat(sep=separator)
    parsed = parse_timestamp(text)
    assert parsed is not None and STORED_TIMESTAMP.fullmatch(parsed)
    assert datetime.strptime(parsed, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) == aware


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=30) | st.lists(st.text(max_size=12), max_size=3))
def test_canonical_license_is_none_or_trimmed_and_idempotent(value):
    canonical = canonical_license(value)
    if canonical is None:
        return
    assert canonical == canonical.strip() and canonical
    assert canonical_license(canonical) == canonical
