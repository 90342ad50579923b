"""Card parsing throughput on one core: the full pipeline beside a front-matter-only baseline.

    python bench/bench_cards.py [CARDS_DIR] [--cards N]

CARDS_DIR defaults to ../shared/hub-samples/cards. The corpus is repeated until N cards (default
10,000) have been processed. Both figures are measured in the same run on the same bytes:

- baseline: what huggingface_hub does to read card metadata (its front-matter regex + yaml.safe_load);
- build_card_result: decode, front matter, facts, evals, sections (BeautifulSoup), links, params
  claim, conflicts and capabilities; everything the writer stores.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.cards import build_card_result

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "hub-samples" / "cards"
# huggingface_hub/repocard.py REGEX_YAML_BLOCK
HF_REGEX = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
TARGET_CARDS_PER_SECOND = 500


def load_corpus(directory: Path) -> list[tuple[str, bytes]]:
    cards = [(p.stem.replace("--", "/", 1), p.read_bytes()) for p in sorted(directory.glob("*.md"))]
    return [(model_id, body) for model_id, body in cards if model_id != "SOURCES"]


def baseline(model_id: str, body: bytes) -> object:
    """huggingface_hub's metadata read: regex for the block, then yaml.safe_load."""
    match = HF_REGEX.search(body.decode("utf-8", errors="replace"))
    if match is None:
        return None
    try:
        return yaml.safe_load(match.group(2))
    except yaml.YAMLError:
        return None


def full_pipeline(model_id: str, body: bytes) -> object:
    return build_card_result(
        model_id,
        status="ok",
        body=body,
        http_status=200,
        etag=None,
        sha="0" * 40,
        source_url=f"https://huggingface.co/{model_id}/resolve/main/README.md",
        fetched_at="2026-01-01T00:00:00Z",
    )


def measure(function, corpus: list[tuple[str, bytes]], total: int) -> tuple[float, float]:
    """(cards per CPU second, cards per wall-clock second) for `total` cards cycling through the corpus.

    CPU time is the one-core figure; wall time also counts waiting for a core on a busy machine.
    """
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    for i in range(total):
        model_id, body = corpus[i % len(corpus)]
        function(model_id, body)
    cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
    return total / cpu, total / wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--cards", type=int, default=10_000, help="cards to process per measurement")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.cards_dir)
    if not corpus:
        print(f"no cards in {args.cards_dir}", file=sys.stderr)
        return 2
    for model_id, body in corpus:  # warm up imports and caches
        full_pipeline(model_id, body)
    loader = "CSafeLoader" if hasattr(yaml, "CSafeLoader") else "SafeLoader (pure Python)"
    corpus_bytes = sum(len(body) for _, body in corpus)
    print(
        f"corpus: {len(corpus)} cards, {corpus_bytes:,} bytes; {args.cards:,} cards per run; loader {loader}"
    )
    print(f"{'':38} {'cards/s (CPU)':>14} {'cards/s (wall)':>15}")
    base_cpu, base_wall = measure(baseline, corpus, args.cards)
    print(f"{'baseline (hf regex + yaml.safe_load)':38} {base_cpu:14.0f} {base_wall:15.0f}")
    full_cpu, full_wall = measure(full_pipeline, corpus, args.cards)
    print(f"{'build_card_result (full pipeline)':38} {full_cpu:14.0f} {full_wall:15.0f}")
    verdict = "met" if full_cpu >= TARGET_CARDS_PER_SECOND else "NOT met"
    print(
        f"full / baseline (CPU): {full_cpu / base_cpu:.2f}x; "
        f"target >= {TARGET_CARDS_PER_SECOND} cards/s: {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
