"""Command line of the fake hub, shared by `hubcrawl fakehub` and `python -m fakehub`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fakehub.store import HubStore

HELP = "serve a local fake Hugging Face Hub (the bundled demo hub, or N synthetic models)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="serve the bundled demo hub (the default)")
    source.add_argument("--synthetic", type=int, metavar="N", help="serve N synthetic models instead")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic models (default: 0)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on, 0 for any (default: 8080)")
    parser.add_argument(
        "--strict-list-expand",
        action="store_true",
        help="refuse baseModels/childrenModelCount/usedStorage in /api/models expand, as the Hub did in 2025",
    )


def build_store(args: argparse.Namespace) -> HubStore:
    from fakehub.store import HubStore

    if args.synthetic is not None:
        from fakehub.synthetic import make_card, make_models

        store = HubStore()
        for record in make_models(args.synthetic, seed=args.seed):
            store.add(record, make_card)
        return store
    from fakehub.demo import load_demo_store

    return load_demo_store()


def run(args: argparse.Namespace) -> int:
    from fakehub.gcutil import freeze_long_lived
    from fakehub.server import FakeHub

    store = build_store(args)
    freeze_long_lived()
    hub = FakeHub(store, strict_list_expand=args.strict_list_expand, host=args.host, port=args.port)
    print(f"fake hub serving {len(store)} models at {hub.url}", flush=True)
    try:
        hub.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fakehub", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))
