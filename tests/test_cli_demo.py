"""`hubcrawl demo`, the README's first Quick start command: a new user's first result."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import factories as f
import pytest

from fakehub.demo import load_demo_store
from hubcrawl.cli import main
from hubcrawl.commands.demo import DEMO_PAIR
from pages.data import model_slug

REPO_ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(r"\b(None|nan|NaN|null|undefined)\b")


def test_the_demo_compares_a_segmentation_model_with_an_image_generator():
    # Issue 4: the demo prints this cross-task pair, so that a new user sees the caveat the seed site lacked.
    store = load_demo_store()
    tasks = [store.get(model_id)["pipeline_tag"] for model_id in DEMO_PAIR]
    assert tasks == ["image-segmentation", "text-to-image"]


@pytest.mark.slow
def test_the_demo_runs_offline_and_prints_its_comparison(tmp_path):
    secret = "hf_demo_must_never_send_this_token"
    # Run from an unrelated folder, as a user would; the repo is importable as after `pip install -e .`.
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    # The real hub's settings must not matter, a proxy for the real Hub included: nothing listens on 9.
    env = {**os.environ, "PYTHONPATH": python_path, "HF_TOKEN": secret, "HF_ENDPOINT": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    out = tmp_path / "demo-out"
    result = subprocess.run([sys.executable, "-m", "hubcrawl", "demo", "--out", str(out)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    first, second = sorted(DEMO_PAIR, key=lambda model_id: model_slug(model_id).lower())
    assert result.stdout.startswith(f"# {first} vs {second}\n")
    assert "**Verdict:**" in result.stdout and "**Caveat:**" in result.stdout
    assert not FORBIDDEN.search(result.stdout)

    conn = sqlite3.connect(out / "hubcrawl.db")
    demo_models = {row[0] for row in conn.execute("SELECT model_id FROM models")}
    assert demo_models == set(load_demo_store().ids())
    assert conn.execute("SELECT count(*) FROM scores").fetchone()[0] == len(demo_models)
    site = out / "site"
    assert (site / "index.html").is_file()
    assert {p.stem for p in (site / "models").glob("*.html")} == {model_slug(m) for m in demo_models}
    everything = result.stdout + result.stderr + "".join(
        p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()
    )
    assert secret not in everything


def test_the_demo_refuses_to_mix_its_sample_data_into_a_real_database(capsys, db_path, tmp_path):
    db = f.new_db(db_path)
    f.add_model(db, "black-forest-labs/FLUX.1-dev", downloads=123)  # also a demo model: must stay as it is
    f.add_model(db, "org/crawled-from-the-real-hub")
    db.conn.commit()
    before = sorted(db.execute("SELECT * FROM models").fetchall())
    status = main(["demo", "--db", str(db_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    [line] = err.splitlines()
    assert str(db_path) in line and "demo" in line
    assert sorted(db.execute("SELECT * FROM models").fetchall()) == before
    assert db.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 0
