"""`hubcrawl demo`: the whole job, offline, against the sample hub bundled in `fakehub/demo/`.

It runs the same commands a cron job runs (crawl, score, pages), each as its own process like cron would,
with `HF_ENDPOINT` pointing at a local fake hub serving the bundled records. Then it prints one comparison
as Markdown: that page is all it writes on stdout (the steps report on stderr).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from crawler.proxies import without_proxies
from db.connection import DEFAULT_DB_PATH
from hubcrawl.paths import prepare_output_dir

HELP = "crawl, score and publish the bundled sample hub offline, then print a comparison"
# The --db every command gets is not opened here (the steps it runs check it).
USES_DB = False
DB_HELP = "SQLite database path (default: OUT/hubcrawl.db, OUT being --out)"

# The pair issue 4 asks the demo to print: a segmentation model against an image generator, the very
# comparison the seed site got wrong. The page must open with its cross-task caveat.
DEMO_PAIR = ("facebook/mask2former-swin-large-ade-semantic", "stabilityai/stable-diffusion-3.5-large")
# Models whose info-endpoint facts (Spaces, model tree counts) the demo fetches with `recrawl`.
DEMO_RECRAWL = (*DEMO_PAIR, "black-forest-labs/FLUX.1-dev")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="demo-out", help="output folder for the database and the site")


def run(args: argparse.Namespace) -> int:
    from fakehub import FakeHub
    from fakehub.demo import load_demo_store

    out = Path(args.out)
    if problem := prepare_output_dir(out):
        print(f"hubcrawl demo: {problem}", file=sys.stderr)
        return 2
    db_path = str(out / "hubcrawl.db") if args.db == DEFAULT_DB_PATH else args.db
    if other := _a_model_not_from_the_demo(db_path, set(load_demo_store().ids())):
        print(f"hubcrawl demo: {db_path} holds models that are not in the demo hub (e.g. {other}), and the "
              f"demo would write its sample data over them; give a new --db, or leave --db out to use "
              f"{out / 'hubcrawl.db'}", file=sys.stderr)
        return 2
    site = out / "site"
    with FakeHub(load_demo_store()) as hub:
        # No token (the demo hub needs none; never send a real one to it) and no proxy (one set for the
        # real Hub could not reach a hub on this machine).
        env = {**without_proxies(os.environ), "HF_ENDPOINT": hub.url}
        env.pop("HF_TOKEN", None)
        steps = [
            ["crawl", "--db", db_path],
            *(["recrawl", model_id, "--db", db_path] for model_id in DEMO_RECRAWL),
            ["score", "--db", db_path],
            ["pages", "--db", db_path, "--out", str(site), "--pair", *DEMO_PAIR],
        ]
        for step in steps:
            print(f"$ hubcrawl {' '.join(step)}", file=sys.stderr)
            if (status := _hubcrawl(step, env, stdout=sys.stderr)) != 0:
                print(f"hubcrawl demo: `hubcrawl {step[0]}` failed with status {status}", file=sys.stderr)
                return status
    print(f"\nSite written to {site / 'index.html'}; database at {db_path}\n", file=sys.stderr)
    return _hubcrawl(["compare", *DEMO_PAIR, "--format", "md", "--db", db_path], os.environ)


def _a_model_not_from_the_demo(db_path: str, demo_ids: set[str]) -> str | None:
    """A model of a database the demo did not make (a real crawl, say), or None."""
    if not Path(db_path).is_file():
        return None
    from db.connection import connect
    from hubcrawl.paths import no_models_problem

    conn = connect(db_path)
    try:
        if no_models_problem(conn, db_path):
            return None
        return next((model_id for (model_id,) in conn.execute("SELECT model_id FROM models")
                     if model_id not in demo_ids), None)
    finally:
        conn.close()


def _hubcrawl(argv: list[str], env: dict[str, str], stdout: TextIO | None = None) -> int:
    """Run one step. The steps' summaries go to stderr (stdout=sys.stderr), so that our stdout is the
    comparison alone: `hubcrawl demo > comparison.md` works."""
    if stdout is not None:
        stdout.flush()
    return subprocess.run([sys.executable, "-m", "hubcrawl", *argv], env=env, stdout=stdout,
                          check=False).returncode
