"""`hubcrawl score` (not implemented yet)."""

from __future__ import annotations

import argparse

HELP = "score (not implemented yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("hubcrawl score: not implemented yet")
