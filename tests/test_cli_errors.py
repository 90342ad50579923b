"""What a first-day user gets for a wrong argument: one clear line on stderr, a non-zero exit, no traceback,
and nothing already stored lost. Every test runs the real CLI entry point in-process (an uncaught exception
fails the test, so "no traceback" is checked too)."""

from __future__ import annotations

import importlib
from pathlib import Path

import factories as f
import pytest

from hubcrawl.cli import main

# Every command that reads or writes --db, with the arguments it needs besides --db.
DB_COMMANDS = {
    "score": [],
    "explain": ["org/model"],
    "compare": ["org/model", "org/other"],
    "pages": ["--out", "{tmp}/site"],
    "reingest": [],
    "crawl": [],
    "recrawl": ["org/model", "--wait", "0"],
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def command_argv(command: str, tmp_path: Path, db: Path) -> list[str]:
    extra = [arg.replace("{tmp}", str(tmp_path)) for arg in DB_COMMANDS[command]]
    return [command, *extra, "--db", str(db)]


def assert_one_line(err: str) -> str:
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("command", sorted(DB_COMMANDS))
def test_a_db_path_that_is_a_folder_is_refused_in_one_line(capsys, tmp_path, command):
    folder = tmp_path / "hub.db"
    folder.mkdir()
    status, out, err = run(capsys, *command_argv(command, tmp_path, folder))
    assert status == 2 and out == ""
    line = assert_one_line(err)
    assert line.startswith(f"hubcrawl {command}: ") and str(folder) in line and "folder" in line
    assert list(folder.iterdir()) == []  # nothing created inside it


@pytest.mark.parametrize("command", sorted(DB_COMMANDS))
def test_a_db_path_that_is_not_sqlite_is_refused_and_left_untouched(capsys, tmp_path, command):
    notes = tmp_path / "notes.txt"
    text = "my notes, not a database\n" * 10
    notes.write_text(text)
    status, out, err = run(capsys, *command_argv(command, tmp_path, notes))
    assert status == 2 and out == ""
    line = assert_one_line(err)
    assert str(notes) in line and "not a SQLite database" in line
    assert notes.read_text() == text
    assert not Path(f"{notes}-wal").exists()


def test_a_damaged_database_is_reported_in_one_line(capsys, tmp_path):
    # A file with SQLite's header but garbage after it passes the header check; SQLite itself refuses it.
    damaged = tmp_path / "hub.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)
    status, out, err = run(capsys, "score", "--db", str(damaged))
    assert status == 1 and out == ""
    line = assert_one_line(err)
    assert line.startswith("hubcrawl score: ") and str(damaged) in line


def test_a_lock_file_that_cannot_be_opened_is_reported_in_one_line(capsys, db_path):
    f.new_db(db_path).conn.close()
    lock = Path(f"{db_path}.lock")
    lock.mkdir()  # something in the way of the lock file: the crawl cannot take the lock
    status, out, err = run(capsys, "reingest", "--db", str(db_path))
    assert status == 1 and out == ""
    line = assert_one_line(err)
    assert line.startswith("hubcrawl reingest: ") and str(lock) in line


@pytest.mark.parametrize("command", ["pages", "demo"])
def test_an_out_path_that_is_a_file_is_refused_and_left_untouched(capsys, db_path, tmp_path, command):
    f.add_model(f.new_db(db_path), "org/model")
    existing = tmp_path / "report.html"
    existing.write_text("<p>mine</p>")
    argv = [command, "--out", str(existing)] + (["--db", str(db_path)] if command == "pages" else [])
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    line = assert_one_line(err)
    assert line.startswith(f"hubcrawl {command}: ") and str(existing) in line and "not a folder" in line
    assert existing.read_text() == "<p>mine</p>"


def test_an_out_path_below_a_file_is_refused(capsys, db_path, tmp_path):
    f.add_model(f.new_db(db_path), "org/model")
    (tmp_path / "report.html").write_text("x")
    below_a_file = tmp_path / "report.html" / "site"
    status, _, err = run(capsys, "pages", "--out", str(below_a_file), "--db", str(db_path))
    assert status == 2
    assert "report.html" in assert_one_line(err)


def test_score_before_any_crawl_says_to_crawl_first(capsys, db_path):
    f.new_db(db_path).conn.close()
    status, out, err = run(capsys, "score", "--db", str(db_path))
    assert status == 1 and out == ""
    line = assert_one_line(err)
    assert "no models" in line and f"hubcrawl crawl --db {db_path}" in line


def test_pages_before_any_crawl_keeps_the_published_site(capsys, db_path, tmp_path):
    # A typo in --db that lands on an empty database must not wipe yesterday's site.
    f.new_db(db_path).conn.close()
    site = tmp_path / "site"
    published = [site / "models" / "org--model.html", site / "compare" / "org--a-vs-org--b.html"]
    for page in published:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<p>published yesterday</p>")
    status, out, err = run(capsys, "pages", "--db", str(db_path), "--out", str(site))
    assert status == 1 and out == ""
    line = assert_one_line(err)
    assert "no models" in line and f"hubcrawl crawl --db {db_path}" in line
    assert all(page.read_text() == "<p>published yesterday</p>" for page in published)


def test_ctrl_c_while_the_commands_load_exits_130_without_a_traceback(capsys, monkeypatch):
    # Loading the command modules takes about half a second: a Ctrl-C then is the common case.
    def interrupted(name: str):
        raise KeyboardInterrupt

    monkeypatch.setattr(importlib, "import_module", interrupted)
    status, out, err = run(capsys, "score", "--db", "hub.db")
    assert status == 130 and out == ""
    assert assert_one_line(err) == "hubcrawl: interrupted"


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_a_bad_max_models_is_named_plainly(capsys, db_path, value):
    with pytest.raises(SystemExit) as exit_info:
        main(["crawl", "--db", str(db_path), "--max-models", value])
    assert exit_info.value.code == 2
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--max-models" in last_line and "a whole number of at least 1" in last_line
    assert "_positive_int" not in last_line
    assert not db_path.exists()


READ_ONLY_COMMANDS = ["score", "explain", "compare", "pages", "reingest"]


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS)
def test_a_missing_database_is_named_with_what_to_do_and_not_created(capsys, tmp_path, command):
    missing = tmp_path / "hbu.db"  # a typo of hub.db
    status, out, err = run(capsys, *command_argv(command, tmp_path, missing))
    assert status != 0 and out == ""
    line = assert_one_line(err)
    assert line.startswith(f"hubcrawl {command}: ") and str(missing) in line
    assert f"hubcrawl crawl --db {missing}" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no database, lock or site folder created


@pytest.mark.parametrize("command", ["explain", "compare", "pages"])
def test_an_unknown_model_says_how_to_fetch_it(capsys, db_path, tmp_path, command):
    db = f.new_db(db_path)
    f.add_model(db, "org/known")
    db.conn.commit()
    unknown = "org/not-crawled-yet"
    argv = {"explain": ["explain", unknown],
            "compare": ["compare", "org/known", unknown],
            "pages": ["pages", "--out", str(tmp_path / "site"), "--pair", "org/known", unknown]}[command]
    status, out, err = run(capsys, *argv, "--db", str(db_path))
    assert status == 1 and out == ""
    line = assert_one_line(err)
    assert "unknown model" in line and unknown in line
    assert f"hubcrawl recrawl {unknown} --db {db_path}" in line
    assert not (tmp_path / "site").exists()  # a refused build leaves no empty site folder behind


@pytest.mark.parametrize("command", ["crawl", "recrawl"])
def test_a_malformed_setting_is_one_line_before_anything_is_created(capsys, tmp_path, monkeypatch, command):
    # crawler/settings.py reads HUBCRAWL_* at import: a bad value used to end in a 35-line traceback,
    # after the database and its lock file were already created.
    monkeypatch.setenv("HUBCRAWL_MAX_RETRIES", "five")
    db = tmp_path / "hub.db"
    status, out, err = run(capsys, *command_argv(command, tmp_path, db))
    assert status == 2 and out == ""
    assert "HUBCRAWL_MAX_RETRIES" in assert_one_line(err)
    assert list(tmp_path.iterdir()) == []
