"""`hubcrawl score` and `hubcrawl explain` through the real CLI, and config validation."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import factories as f
import pytest
import yaml

from scoring.config import DEFAULT_CONFIG_PATH, ConfigError, load_config

REPO_ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(r"\b(None|nan|NaN|null|undefined)\b")


def hubcrawl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hubcrawl", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def scored_db(db_path: Path) -> Path:
    db = f.new_db(db_path)
    f.add_model(db, "meta-llama/Llama-3.1-8B-Instruct", downloads=111_143, downloads_all_time=20_220_003,
                likes=4_321, spaces_count=None, params=8_030_261_248, params_source="safetensors.total")
    f.add_card(db, "meta-llama/Llama-3.1-8B-Instruct", sections=[("Intended Use", "text")])
    f.add_model(db, "fan/llama-tune")
    f.add_edge(db, "fan/llama-tune", "meta-llama/Llama-3.1-8B-Instruct", "finetune")
    db.conn.commit()
    result = hubcrawl("score", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    summary = r"scored 2 models in \d+\.\d s with config 2026\.11\.1 \(data as of 2026-11-01T06:00:00Z\)\n"
    assert re.fullmatch(summary, result.stdout)
    return db_path


def test_explain_shows_every_signal_with_en_us_numbers(scored_db):
    result = hubcrawl("explain", "meta-llama/Llama-3.1-8B-Instruct", "--db", str(scored_db))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    config = load_config()
    for dimension in config.dimensions:
        assert dimension.name in out
        if dimension.name != "momentum":  # no history yet: the dimension says why instead
            for signal in dimension.signals:
                assert signal.name in out
    assert "needs at least 2 snapshots" in out
    for number in ("111,143", "20,220,003", "4,321", "10,000,000"):
        assert number in out
    assert "— (not fetched" in out  # the missing spaces count, with its reason
    assert config.version in out and "2026-11-01T06:00:00Z" in out
    assert not FORBIDDEN.search(out)


def test_explain_json_is_the_stored_record(scored_db):
    result = hubcrawl("explain", "meta-llama/Llama-3.1-8B-Instruct", "--db", str(scored_db), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["model_id"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert record["breakdown"]["overall"]["score"] == record["overall"]
    finetunes = next(s for s in record["breakdown"]["dimensions"]["ecosystem"]["signals"]
                     if s["name"] == "finetunes")
    assert finetunes["raw"] == 1


@pytest.mark.parametrize("spelling", ["meta-llama--Llama-3.1-8B-Instruct", "META-LLAMA/llama-3.1-8b-instruct",
                                      "meta-llama/Llama-3.1-8B-Old"])
def test_explain_takes_the_ids_compare_takes(scored_db, spelling):
    # The page slug, any letter case, and an old id the Hub redirects (model_aliases), as `compare` does.
    db = f.new_db(scored_db)
    db["model_aliases"].insert({"alias_id": "meta-llama/Llama-3.1-8B-Old",
                                "model_id": "meta-llama/Llama-3.1-8B-Instruct", "seen_at": f.FETCHED_AT})
    db.conn.commit()
    result = hubcrawl("explain", spelling, "--db", str(scored_db), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["model_id"] == "meta-llama/Llama-3.1-8B-Instruct"


def test_explain_says_when_the_model_was_fetched_again_after_scoring(scored_db):
    # `hubcrawl recrawl` without `hubcrawl score`: the breakdown's raw values are the older figures.
    model = "meta-llama/Llama-3.1-8B-Instruct"
    fresh = hubcrawl("explain", model, "--db", str(scored_db)).stdout
    db = f.new_db(scored_db)
    db.conn.execute("UPDATE models SET fetched_at = '2026-11-03T09:00:00Z' WHERE model_id = ?", (model,))
    db.conn.commit()
    refetched = hubcrawl("explain", model, "--db", str(scored_db)).stdout
    assert "fetched again" not in fresh
    assert f"{model} was fetched again on 2026-11-03, after its scores were computed" in refetched
    assert "hubcrawl score" in refetched
    as_json = json.loads(hubcrawl("explain", model, "--db", str(scored_db), "--json").stdout)
    assert (as_json["scores_outdated"], as_json["model_fetched_at"]) == (True, "2026-11-03T09:00:00Z")


def test_explain_unknown_model_exits_1(scored_db):
    result = hubcrawl("explain", "nobody/nothing", "--db", str(scored_db))
    assert result.returncode == 1
    assert "unknown model" in result.stderr and result.stdout == ""


def test_explain_model_not_scored_yet_exits_1(scored_db):
    db = f.new_db(scored_db)
    f.add_model(db, "org/new-arrival")
    db.conn.commit()
    result = hubcrawl("explain", "org/new-arrival", "--db", str(scored_db))
    assert result.returncode == 1 and "not scored yet" in result.stderr


def test_score_without_database_fails_clearly(tmp_path):
    missing = tmp_path / "absent.db"
    result = hubcrawl("score", "--db", str(missing))
    assert result.returncode == 1  # as explain, compare, pages and reingest answer a missing database
    assert "no database at" in result.stderr
    assert not missing.exists()  # it must not create an empty database


def test_score_with_invalid_config_fails_clearly(db_path, tmp_path):
    f.new_db(db_path).conn.close()
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())
    config["dimensions"]["adoption"]["signals"]["likes"]["weight"] = -1
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config))
    result = hubcrawl("score", "--db", str(db_path), "--config", str(bad))
    assert result.returncode != 0
    assert "invalid config" in result.stderr and "likes.weight" in result.stderr


def test_score_with_a_custom_config_records_its_version(db_path, tmp_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/m")
    db.conn.commit()
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())
    config["version"] = "test.1"
    custom = tmp_path / "custom.yaml"
    custom.write_text(yaml.safe_dump(config, sort_keys=False))
    assert hubcrawl("score", "--db", str(db_path), "--config", str(custom)).returncode == 0
    assert db.execute("SELECT config_version FROM scores").fetchall() == [("test.1",)]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["dimensions"]["adoption"]["signals"].update(stars={"weight": 1, "cap": 5}),
         "unknown signal"),
        (lambda c: c["dimensions"]["quality"]["signals"]["safetensors"].update(cap=0), "safetensors.cap"),
        (lambda c: c["dimensions"]["adoption"]["signals"]["likes"].update(weight="high"), "likes.weight"),
        (lambda c: c["dimensions"]["adoption"]["signals"]["likes"].update(transform="sqrt"), "transform"),
        (lambda c: c["overall_weights"].update(vibes=1), "unknown dimension"),
        (lambda c: c.update(version=""), "version"),
        (lambda c: c.update(version="2026.11\x00"), "version.*printable"),
        (lambda c: c["dimensions"]["quality"]["signals"].update(likes_growth={"weight": 1, "cap": 1}),
         "momentum"),
    ],
)
def test_config_validation_names_the_problem(tmp_path, edit, message):
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())
    edit(config)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_config_that_is_not_yaml_is_rejected(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("version: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_explain_shows_a_spaces_count_at_the_hub_list_limit_as_a_lower_bound(db_path):
    # The Hub lists at most 100 Spaces per model: 100 stored means "100 or more", as pages show it.
    db = f.new_db(db_path)
    f.add_model(db, "org/popular", spaces_count=100)
    f.add_model(db, "org/modest", spaces_count=7)
    db.conn.commit()
    assert hubcrawl("score", "--db", str(db_path)).returncode == 0
    popular = hubcrawl("explain", "org/popular", "--db", str(db_path)).stdout
    modest = hubcrawl("explain", "org/modest", "--db", str(db_path)).stdout
    spaces_row = next(line for line in popular.splitlines() if line.strip().startswith("spaces "))
    assert "100+" in spaces_row
    assert "the Hub lists at most 100" in popular
    assert "+" not in next(line for line in modest.splitlines() if line.strip().startswith("spaces "))
