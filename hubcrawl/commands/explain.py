"""`hubcrawl explain`: show every signal behind a model's score, as stored by `hubcrawl score`."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from hubcrawl.paths import missing_db_problem

HELP = "show how a model's score was computed: every signal, weight and contribution"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model_id", help="model id as on the Hub, e.g. openai/whisper-large-v3")
    parser.add_argument("--json", action="store_true",
                        help="print the scores row as JSON, breakdown expanded (docs/scoring.md)")


def run(args: argparse.Namespace) -> int:
    from db import open_db
    from scoring.explain import load_score, render_json, render_text

    if problem := missing_db_problem(args.db):
        print(f"hubcrawl explain: {problem}", file=sys.stderr)
        return 1
    db = open_db(args.db)
    try:
        model_id = _stored_id(db.conn, args.model_id)
        known = model_id and db.conn.execute(
            "SELECT removed_at FROM models WHERE model_id = ?", (model_id,)
        ).fetchone()
        record = load_score(db.conn, model_id) if known else None
    finally:
        db.conn.close()
    if record is None:
        if not known:
            reason = (f"unknown model (not in the database); to fetch it from the Hub: "
                      f"hubcrawl recrawl {args.model_id} --db {args.db}")
        elif known[0] is not None:
            reason = f"removed from the Hub on {known[0]}; removed models are not scored"
        else:
            reason = "not scored yet (run: hubcrawl score)"
        print(f"hubcrawl explain: {model_id or args.model_id}: {reason}", file=sys.stderr)
        return 1
    sys.stdout.write(render_json(record) if args.json else render_text(record))
    return 0


def _stored_id(conn: sqlite3.Connection, text: str) -> str | None:
    """The id as stored, from the spellings `compare` takes (page slug, any case, a redirected old id)."""
    from pages.data import UnknownModelError, resolve_model_id

    try:
        return resolve_model_id(conn, text)
    except UnknownModelError:
        return None
