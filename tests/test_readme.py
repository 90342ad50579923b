"""The README is part of the interface: its commands and SQL examples must stay true."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from factories import add_model, new_db

REPO_ROOT = Path(__file__).resolve().parent.parent
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, flags=re.S | re.M)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_quick_start_has_exactly_two_commands():
    blocks = _code_blocks(_section("Quick start"), "bash")
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(blocks) == 1 and len(commands) == 2
    assert commands[0].startswith("pip install -e . && hubcrawl demo")


def test_ci_runs_the_readme_test_command():
    test_command = [line for line in _code_blocks(_section("Quick start"), "bash")[0].splitlines() if line][1]
    ci_lines = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_every_sql_example_runs(tmp_path):
    db = new_db(tmp_path / "hub.db")
    add_model(db, "stabilityai/stable-diffusion-3.5-large", pipeline_tag="text-to-image")
    examples = _code_blocks(_section("The SQL interface"), "sql")
    assert len(examples) >= 5
    conn = sqlite3.connect(tmp_path / "hub.db")
    for sql in examples:
        conn.execute(sql).fetchall()  # raises on a wrong table or column name


def test_model_overview_has_every_documented_column(tmp_path):
    new_db(tmp_path / "hub.db")
    conn = sqlite3.connect(tmp_path / "hub.db")
    columns = {row[1] for row in conn.execute("PRAGMA table_info(model_overview)")}
    table = _section("The SQL interface").split("```")[0]
    documented = set()
    for cell in re.findall(r"^\| (`[^|]+)\|", table, flags=re.M):
        documented |= set(re.findall(r"`([a-z_0-9]+)`", cell))
    assert documented, "no columns documented"
    assert documented <= columns, f"documented but missing: {sorted(documented - columns)}"


def _documented_tables(readme: str) -> set[str]:
    table = readme.split("### Tables", 1)[1].split("\n\n", 2)[1]
    names = set()
    for cell in re.findall(r"^\| (`[^|]+)\|", table, flags=re.M):
        names |= set(re.findall(r"`([a-z_0-9]+)`", cell))
    return names


def test_the_tables_section_lists_every_table_and_view(tmp_path):
    new_db(tmp_path / "hub.db")
    conn = sqlite3.connect(tmp_path / "hub.db")
    in_schema = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE '\\_%' ESCAPE '\\'"
        " AND name NOT LIKE 'sqlite_%'")}
    documented = _documented_tables(README) | {"model_overview"}  # the view has its own section
    assert documented == in_schema, (sorted(in_schema - documented), sorted(documented - in_schema))
