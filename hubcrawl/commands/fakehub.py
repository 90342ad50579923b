"""`hubcrawl fakehub` (not implemented yet)."""

from __future__ import annotations

import argparse

HELP = "fakehub (not implemented yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("hubcrawl fakehub: not implemented yet")
