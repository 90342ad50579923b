"""`hubcrawl --help` and each `hubcrawl <command> --help`: they run, and say what the command really does."""

from __future__ import annotations

import pytest

from db.connection import DEFAULT_DB_PATH
from hubcrawl.cli import COMMANDS, main


def help_text(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_the_top_level_help_lists_every_command(capsys):
    text = help_text(capsys)
    assert all(f"    {name} " in text for name in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_that_mentions_db(capsys, command):
    text = help_text(capsys, command)
    assert text.startswith(f"usage: hubcrawl {command}") and "--db" in text


def test_demo_help_gives_the_database_it_really_uses(capsys):
    # Without --db the demo writes demo-out/hubcrawl.db, not the default of the other commands.
    text = " ".join(help_text(capsys, "demo").split())
    assert f"(default: {DEFAULT_DB_PATH})" not in text
    assert "OUT/hubcrawl.db" in text


def test_fakehub_help_says_it_does_not_use_db(capsys):
    text = " ".join(help_text(capsys, "fakehub").split())
    assert "not used" in text and f"(default: {DEFAULT_DB_PATH})" not in text
