"""`hubcrawl compare A B`: one page on stdout; clear errors for unknown models."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from test_pages_fixture_db import ALPHA, BRAVO, SEG, build_pages_db

from hubcrawl.cli import main
from pages.data import model_slug


@pytest.fixture
def db(db_path):
    build_pages_db(db_path)
    return str(db_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_prints_one_page_in_each_format(capsys, db, fmt):
    status, out, err = run(capsys, "compare", ALPHA, BRAVO, "--format", fmt, "--db", db)
    assert status == 0 and err == ""
    if fmt == "json":
        assert [m["model_id"] for m in json.loads(out)["models"]] == [ALPHA, BRAVO]
    elif fmt == "html":
        assert BeautifulSoup(out, "html.parser").h1.get_text() == f"{ALPHA} vs {BRAVO}"
    else:
        assert out.startswith(f"# {ALPHA} vs {BRAVO}")


def test_slugs_and_either_order_give_the_same_page(capsys, db):
    _, by_id, _ = run(capsys, "compare", ALPHA, BRAVO, "--format", "json", "--db", db)
    _, by_slug_reversed, _ = run(
        capsys, "compare", model_slug(BRAVO), model_slug(ALPHA), "--format", "json", "--db", db
    )
    assert by_id == by_slug_reversed


def test_unknown_model_exits_1_with_a_suggestion_on_stderr(capsys, db):
    status, out, err = run(capsys, "compare", ALPHA, "bravo-lab/bravo-9b", "--db", db)
    assert status == 1 and out == ""
    assert "unknown model 'bravo-lab/bravo-9b'" in err and BRAVO in err


def test_same_model_twice_is_an_error(capsys, db):
    status, _, err = run(capsys, "compare", ALPHA, model_slug(ALPHA), "--db", db)
    assert status == 1 and "same model" in err


def test_cross_task_compare_is_allowed_with_a_caveat(capsys, db):
    status, out, _ = run(capsys, "compare", ALPHA, SEG, "--format", "md", "--db", db)
    assert status == 0 and "> **Caveat:**" in out


def test_pages_rejects_an_unknown_pair(capsys, db, tmp_path):
    status, _, err = run(
        capsys, "pages", "--db", db, "--out", str(tmp_path / "o"), "--pair", ALPHA, "nobody/x"
    )
    assert status == 1 and "unknown model 'nobody/x'" in err


def test_missing_database_is_a_clear_error(capsys, tmp_path):
    status, _, err = run(capsys, "compare", ALPHA, BRAVO, "--db", str(tmp_path / "absent.db"))
    assert status == 1 and "no database" in err
    assert not (tmp_path / "absent.db").exists()
