"""The data layer: every value carries its source and date, or a reason it is missing."""

from __future__ import annotations

import pytest
from factories import FETCHED_AT, add_model, new_db
from test_pages_fixture_db import ALPHA, BARE, BRAVO, SCORES, SEG, add_scores, build_pages_db

from db.connection import connect
from pages.data import (
    UnknownModelError,
    load_model,
    load_pair,
    load_rank_table,
    model_slug,
    pair_slug,
    resolve_model_id,
)


@pytest.fixture
def conn(db_path):
    build_pages_db(db_path)
    connection = connect(db_path)
    yield connection
    connection.close()


def test_facts_carry_source_and_fetch_date(conn):
    alpha = load_model(conn, ALPHA)
    assert alpha.downloads_30d.value == 111_143
    assert alpha.downloads_30d.source == "models.downloads"
    assert alpha.downloads_30d.fetched_at == FETCHED_AT
    assert alpha.params.source == "safetensors metadata"
    assert alpha.scores["overall"].value == SCORES[ALPHA]["overall"]


def test_missing_values_are_none_with_a_reason(conn):
    bare = load_model(conn, BARE)
    for fact in (
        bare.params,
        bare.license,
        bare.scores["overall"],
        bare.rank,
        bare.downloads_all_time,
        bare.spaces,
        bare.derivatives,
        bare.capabilities_count,
        bare.created_at,
        bare.library,
    ):
        assert fact.value is None
        assert fact.missing and "None" not in fact.missing
    assert "hubcrawl score" in bare.scores["overall"].missing
    assert bare.breakdown is None and bare.downloads_history == []


def test_dimension_missing_reason_comes_from_the_breakdown(conn):
    alpha = load_model(conn, ALPHA)
    assert alpha.scores["momentum"].value is None
    assert alpha.scores["momentum"].missing == "needs at least 2 snapshots"


def test_exact_derivative_counts_win_over_crawled_edges(conn):
    assert load_model(conn, ALPHA).derivatives.value == {"finetune": 12, "quantized": 40}
    bravo = load_model(conn, BRAVO)
    # Bravo has no childrenModelCount: the count comes from the three crawled children, a lower bound.
    assert bravo.derivatives.value == {"finetune": 1, "quantized": 2}
    assert "lower bound" in bravo.derivatives.source
    assert bravo.base_models == [(ALPHA, "finetune")]


def test_ranks_compare_shown_scores_so_equal_shown_scores_share_a_position(conn):
    # 63.44 and 63.41 both show "63.4": neither can be listed above the other.
    alpha, bravo = load_model(conn, ALPHA), load_model(conn, BRAVO)
    assert alpha.rank.value.position == bravo.rank.value.position == 1
    scored_text_generation = sum(1 for m in (ALPHA, BRAVO) if SCORES[m]["overall"] is not None)
    assert alpha.rank.value.of == scored_text_generation
    assert load_model(conn, SEG).rank.value.position == 1


def test_site_rank_table_agrees_with_per_model_ranks(conn):
    table = load_rank_table(conn)
    for model_id in (ALPHA, BRAVO, SEG):
        assert load_model(conn, model_id, ranks=table).rank == load_model(conn, model_id).rank


def test_pair_is_in_canonical_order_whatever_the_argument_order(conn):
    forward, backward = load_pair(conn, ALPHA, BRAVO), load_pair(conn, BRAVO, ALPHA)
    assert (forward.a.model_id, forward.b.model_id) == (backward.a.model_id, backward.b.model_id)
    assert forward.slug == backward.slug == f"{model_slug(ALPHA)}-vs-{model_slug(BRAVO)}"
    assert pair_slug(BRAVO, ALPHA) == forward.slug


def test_cross_task_pair_has_a_caveat_and_same_task_pair_has_none(conn):
    assert load_pair(conn, ALPHA, BRAVO).caveat is None
    cross = load_pair(conn, ALPHA, SEG)
    assert not cross.same_task
    assert "image-segmentation" in cross.caveat and "text-generation" in cross.caveat


def test_ids_resolve_from_slug_and_any_case(conn):
    assert resolve_model_id(conn, ALPHA) == ALPHA
    assert resolve_model_id(conn, model_slug(ALPHA)) == ALPHA
    assert resolve_model_id(conn, ALPHA.upper()) == ALPHA


def test_redirected_alias_resolves_to_the_new_id(conn):
    conn.execute("INSERT INTO model_aliases VALUES (?, ?, ?)", ("acme/old-alpha", ALPHA, FETCHED_AT))
    assert resolve_model_id(conn, "acme--old-alpha") == ALPHA


def test_a_renamed_models_old_row_yields_to_its_alias(conn):
    # A recrawl that follows a 307 marks the old id's row removed and records the alias: the old id must
    # lead to the live model, not to the removed row.
    conn.execute("INSERT INTO models (model_id, fetched_at, first_seen, last_seen, removed_at) "
                 "VALUES ('acme/old-alpha', ?, ?, ?, ?)", (FETCHED_AT,) * 4)
    conn.execute("INSERT INTO model_aliases VALUES (?, ?, ?)", ("acme/old-alpha", ALPHA, FETCHED_AT))
    assert resolve_model_id(conn, "acme/old-alpha") == ALPHA
    assert resolve_model_id(conn, "ACME--Old-Alpha") == ALPHA


def test_a_model_renamed_twice_resolves_from_its_first_id_to_the_live_one(conn):
    for old_id in ("acme/first-name", "acme/second-name"):
        conn.execute("INSERT INTO models (model_id, fetched_at, first_seen, last_seen, removed_at) "
                     "VALUES (?, ?, ?, ?, ?)", (old_id, *(FETCHED_AT,) * 4))
    conn.execute("INSERT INTO model_aliases VALUES ('acme/first-name', 'acme/second-name', ?)", (FETCHED_AT,))
    conn.execute("INSERT INTO model_aliases VALUES ('acme/second-name', ?, ?)", (ALPHA, FETCHED_AT))
    assert resolve_model_id(conn, "acme/first-name") == ALPHA


def test_an_alias_loop_ends(conn):
    conn.execute("INSERT INTO model_aliases VALUES ('acme/x', 'acme/y', ?)", (FETCHED_AT,))
    conn.execute("INSERT INTO model_aliases VALUES ('acme/y', 'acme/x', ?)", (FETCHED_AT,))
    assert resolve_model_id(conn, "acme/x") in {"acme/x", "acme/y"}


def test_a_removed_model_without_alias_still_resolves_to_itself(conn):
    conn.execute("INSERT INTO models (model_id, fetched_at, first_seen, last_seen, removed_at) "
                 "VALUES ('acme/gone', ?, ?, ?, ?)", (FETCHED_AT,) * 4)
    assert resolve_model_id(conn, "acme/gone") == "acme/gone"


def test_unknown_id_suggests_close_ids(conn):
    with pytest.raises(UnknownModelError) as error:
        resolve_model_id(conn, "acme/alpha-7")
    assert ALPHA in error.value.suggestions


def test_removed_models_leave_the_ranking(tmp_path):
    db = new_db(tmp_path / "hub.db")
    add_model(db, "a/kept")
    add_model(db, "a/gone", removed_at="2026-10-20T00:00:00Z")
    add_scores(
        db,
        "a/kept",
        {"overall": 50.0, "adoption": 50.0, "quality": None, "ecosystem": None, "momentum": None},
    )
    add_scores(
        db,
        "a/gone",
        {"overall": 90.0, "adoption": 90.0, "quality": None, "ecosystem": None, "momentum": None},
    )
    conn = connect(tmp_path / "hub.db")
    kept, gone = load_model(conn, "a/kept"), load_model(conn, "a/gone")
    assert (kept.rank.value.position, kept.rank.value.of) == (1, 1)
    assert gone.rank.value is None and "removed from the Hub on 2026-10-20" in gone.rank.missing


def test_info_endpoint_without_children_means_zero_derivatives_not_unknown(tmp_path):
    db = new_db(tmp_path / "hub.db")
    add_model(
        db,
        "a/read-by-info",
        spaces_count=2,
        downloads_all_time=None,
        facts_source="https://huggingface.co/api/models/a/read-by-info",
    )
    add_model(db, "a/listing-only", spaces_count=None, downloads_all_time=None)
    conn = connect(tmp_path / "hub.db")
    read, listed = load_model(conn, "a/read-by-info"), load_model(conn, "a/listing-only")
    assert read.derivatives.value == {} and read.derivatives.missing is None
    assert listed.derivatives.value is None and "recrawl" in listed.derivatives.missing
    # all-time downloads: the listing asks for them too, so a recrawl would not help either way
    assert "recrawl" not in read.downloads_all_time.missing
    assert "recrawl" not in listed.downloads_all_time.missing


def test_read_snapshot_hides_writes_committed_meanwhile(db_path):
    from pages.data import read_snapshot

    build_pages_db(db_path)
    reader, writer = connect(db_path), connect(db_path)
    with read_snapshot(reader):
        before = load_model(reader, ALPHA).downloads_30d.value
        with writer:
            writer.execute("UPDATE models SET downloads = downloads + 1 WHERE model_id = ?", (ALPHA,))
        assert load_model(reader, ALPHA).downloads_30d.value == before  # same snapshot throughout
    assert load_model(reader, ALPHA).downloads_30d.value == before + 1
    assert not reader.in_transaction


def test_missing_all_time_downloads_reads_the_same_as_the_score_breakdown(tmp_path):
    """The listing asks for downloadsAllTime, so a gap means the Hub did not report it, recrawled or not;
    the table must say what the breakdown says."""
    from scoring.signals import MISSING_REASONS

    db = new_db(tmp_path / "hub.db")
    add_model(db, "acme/listed-only", downloads_all_time=None)
    connection = connect(tmp_path / "hub.db")
    fact = load_model(connection, "acme/listed-only").downloads_all_time
    connection.close()
    assert fact.value is None
    assert fact.missing == MISSING_REASONS["hub"]


def test_an_eval_without_its_own_source_links_to_the_card(tmp_path):
    """An eval claim is never shown without a source: the card it was read from is the fallback."""
    from factories import add_card, add_eval

    db = new_db(tmp_path / "hub.db")
    add_model(db, "acme/evald")
    add_card(db, "acme/evald")
    eval_id = add_eval(db, "acme/evald", dataset="squad_v2", metric="f1", value=83.0, verified=False)
    db.execute("UPDATE eval_results SET source_url = NULL WHERE eval_id = ?", [eval_id])
    db.conn.commit()
    connection = connect(tmp_path / "hub.db")
    (result,) = load_model(connection, "acme/evald").evals
    connection.close()
    assert result.source_url == "https://huggingface.co/acme/evald/resolve/main/README.md"


@pytest.mark.parametrize("unsafe", ["javascript:alert(1)", "data:text/html,<b>x</b>", "/relative/path"])
def test_an_eval_whose_own_source_is_not_a_web_link_links_to_the_card(tmp_path, unsafe):
    """A source no page may link to (it would be dropped) must not hide the card the claim came from."""
    from factories import add_card, add_eval

    db = new_db(tmp_path / "hub.db")
    add_model(db, "acme/evald")
    add_card(db, "acme/evald")
    add_eval(db, "acme/evald", dataset="squad_v2", metric="f1", value=83.0, verified=False, source_url=unsafe)
    connection = connect(tmp_path / "hub.db")
    (result,) = load_model(connection, "acme/evald").evals
    connection.close()
    assert result.source_url == "https://huggingface.co/acme/evald/resolve/main/README.md"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        # Cards often name a file of their own repo: it is the license text, on the Hub.
        ("LICENSE.md", "https://huggingface.co/acme/licensed/blob/main/LICENSE.md"),
        ("./docs/LICENSE", "https://huggingface.co/acme/licensed/blob/main/docs/LICENSE"),
        ("https://example.org/terms", "https://example.org/terms"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("//evil.example/terms", None),  # protocol-relative: another host, not a repo file
        ("../../other/LICENSE", None),  # climbs out of the repo
        ("LICENSE file", None),
        ("www.apache.org/licenses/LICENSE-2.0", None),  # a host without a scheme, not a repo file
        ("LICENSE", "https://huggingface.co/acme/licensed/blob/main/LICENSE"),
        ("USE_POLICY.md", "https://huggingface.co/acme/licensed/blob/main/USE_POLICY.md"),
        # A bare word is a license's name, not a file of the repo: linking it would invent a source.
        ("MIT", None),
        ("apache-2.0", None),
        ("apache.org", None),
        ("llama3.1", None),
        ("licensed", None),
        ("Notice", None),
        # as in THUDM's repos
        ("MODEL_LICENSE", "https://huggingface.co/acme/licensed/blob/main/MODEL_LICENSE"),
        ("license.txt", "https://huggingface.co/acme/licensed/blob/main/license.txt"),
    ],
)
def test_a_license_link_to_a_repo_file_points_at_that_file_on_the_hub(tmp_path, declared, expected):
    db = new_db(tmp_path / "hub.db")
    add_model(db, "acme/licensed", license="other", license_name="acme-license", license_link=declared)
    connection = connect(tmp_path / "hub.db")
    model = load_model(connection, "acme/licensed")
    connection.close()
    assert model.license_link == expected


def test_models_without_a_declared_task_are_never_presented_as_the_same_job(tmp_path):
    db = new_db(tmp_path / "hub.db")
    add_model(db, "acme/one", pipeline_tag=None)
    add_model(db, "acme/two", pipeline_tag=None)
    connection = connect(tmp_path / "hub.db")
    pair = load_pair(connection, "acme/one", "acme/two")
    connection.close()
    assert pair.caveat and "no task" in pair.caveat
    assert not pair.same_task
