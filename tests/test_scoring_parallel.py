"""The scorer's second process (scoring/parallel.py) changes when work happens, never what is written.

Real forked children and real SQLite files: the same database scored in-process and with a child gives
the same `scores` rows, whatever the chunking, and a child that fails fails the run loudly.
"""

from __future__ import annotations

import os

import factories as f
import pytest

from db.connection import connect
from scoring import store
from scoring.parallel import ChildFailed, Producer, fork_available
from scoring.store import score_database

pytestmark = pytest.mark.skipif(not fork_available(), reason="needs the fork start method")

TASKS = ["text-generation", "text-to-image", "image-segmentation", None]


def _squares_of(numbers: list[int]):
    return (n * n for n in numbers)


def test_a_forked_producer_yields_what_the_in_process_one_yields():
    numbers = list(range(50_000))  # in the parent's memory before the fork: the child inherits it
    with Producer(lambda: _squares_of(numbers), fork=False) as local:
        expected = list(local)
    with Producer(lambda: _squares_of(numbers), fork=True) as forked:
        assert list(forked) == expected
    assert expected[-1] == 49_999**2


def _fails_after_one():
    yield 1
    raise ValueError("broken producer")


def test_an_exception_in_the_child_fails_the_parent_with_its_traceback():
    with pytest.raises(ChildFailed, match="ValueError: broken producer"), \
            Producer(_fails_after_one, fork=True) as produced:
        list(produced)


def _dies():
    yield 1
    os._exit(7)


def test_a_child_that_dies_fails_the_parent():
    with pytest.raises(ChildFailed, match="exit code 7"), Producer(_dies, fork=True) as produced:
        list(produced)


def _hub_like_db(path):
    """Every kind of input the scorer reads: tasks, licenses, params, spaces, tags, edges (one parent not
    crawled), API child counts, cards with sections, evals, one and two snapshots, a removed model."""
    db = f.new_db(path)
    for i in range(40):
        model_id = f"org{i % 7}/model-{i:02d}"
        f.add_model(db, model_id, pipeline_tag=TASKS[i % 4], downloads=(i * 7919) % 5000 if i % 3 else 0,
                    likes=i % 11, library_name="transformers" if i % 2 else None,
                    license="apache-2.0" if i % 5 else "other", spaces_count=i % 4 or None,
                    params=10**9 * i if i % 4 == 1 else None,
                    params_source="safetensors.total" if i % 4 == 1 else None)
        if i % 3 == 0:
            db["tags"].insert({"model_id": model_id, "tag": "gguf"}, replace=True)
        if i % 5 == 2:
            f.add_card(db, model_id, sections=[("Uses", ""), ("Training Details > Training Data", "")])
        if i % 10 == 4:
            f.add_eval(db, model_id, dataset="squad_v2", metric="f1", value=0.8, verified=i % 20 == 4)
        f.add_snapshot(db, model_id, "2026-10-01T06:00:00Z", downloads=i, likes=1)
        if i % 2:
            f.add_snapshot(db, model_id, f.FETCHED_AT, downloads=i * 3, likes=2)
    relations = ["finetune", "adapter", "quantized"]
    for i in range(1, 12):
        f.add_edge(db, f"org{i % 7}/model-{i:02d}", "org0/model-00", relations[i % 3])
    f.add_edge(db, "org1/model-01", "never/crawled", "merge")
    f.add_spaces(db, "org2/model-02", ["someone/demo", "other/space"])
    db["model_children"].insert({"model_id": "org0/model-00", "relation": "finetune", "count": 30,
                                 "source": "api.childrenModelCount", "fetched_at": f.FETCHED_AT})
    db["models"].update("org3/model-03", {"removed_at": "2026-11-02T06:00:00Z"})
    db.conn.commit()


def _stored_scores(path) -> list[tuple]:
    conn = connect(path)
    try:
        return conn.execute("SELECT * FROM scores ORDER BY model_id").fetchall()
    finally:
        conn.close()


def _clear_scores(path) -> None:
    conn = connect(path)
    with conn:
        conn.execute("DELETE FROM scores")
    conn.close()


def test_a_second_process_writes_exactly_the_rows_of_an_in_process_run(db_path, monkeypatch):
    _hub_like_db(db_path)
    score_database(db_path, parallel=False)
    in_process = _stored_scores(db_path)
    assert len(in_process) == 39  # the removed model is not scored

    monkeypatch.setattr(store, "WRITE_CHUNK_MODELS", 7)  # several chunks, the last one short
    for parallel in (True, False):
        _clear_scores(db_path)
        score_database(db_path, parallel=parallel)
        assert _stored_scores(db_path) == in_process
    score_database(db_path, parallel=True)  # again over its own rows: nothing changes
    assert _stored_scores(db_path) == in_process
