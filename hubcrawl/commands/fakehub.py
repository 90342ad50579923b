"""`hubcrawl fakehub`: serve a local fake Hugging Face Hub in the foreground (see fakehub/)."""

from __future__ import annotations

import argparse

from fakehub import cli

HELP = cli.HELP
# The --db every command gets is not opened here.
USES_DB = False
DB_HELP = "not used by this command"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    cli.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted. The `--db` option every command gets is ignored here."""
    return cli.run(args)
