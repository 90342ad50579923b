"""Card parsing throughput on one core: the full pipeline beside a front-matter-only baseline.

    python bench/bench_cards.py [CARDS_DIR] [--cards N] [--rounds R]

CARDS_DIR defaults to ../shared/hub-samples/cards. The corpus is repeated until N cards (default
10,000) have gone through each pipeline, in R interleaved rounds (default 5) so that both see the
same machine load; the best round is the one-core figure (as timeit reports the minimum), the
median shows the spread. Both figures are measured in the same run on the same bytes:

- baseline: what huggingface_hub does to read card metadata (its front-matter regex + yaml.safe_load);
- build_card_result: decode, front matter, facts, evals, sections (BeautifulSoup), links, params
  claim, conflicts and capabilities; everything the writer stores.
"""

from __future__ import annotations

import argparse
import re
import statistics
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


def measure(function, corpus: list[tuple[str, bytes]], count: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to process `count` cards cycling through the corpus."""
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    for i in range(count):
        model_id, body = corpus[i % len(corpus)]
        function(model_id, body)
    return time.process_time() - cpu_start, time.perf_counter() - wall_start


def run_rounds(
    corpus: list[tuple[str, bytes]], total: int, rounds: int
) -> dict[str, list[tuple[float, float]]]:
    """Interleave baseline and full-pipeline rounds so both see the same machine load."""
    per_round = max(len(corpus), total // rounds)
    times: dict[str, list[tuple[float, float]]] = {"baseline": [], "full": []}
    for _ in range(rounds):
        times["baseline"].append(measure(baseline, corpus, per_round))
        times["full"].append(measure(full_pipeline, corpus, per_round))
    return {name: [(per_round / cpu, per_round / wall) for cpu, wall in rows] for name, rows in times.items()}


def _summary(rates: list[tuple[float, float]]) -> str:
    cpu = sorted(rate for rate, _ in rates)
    wall = sorted(rate for _, rate in rates)
    return f"{cpu[-1]:9.0f} {statistics.median(cpu):9.0f} {statistics.median(wall):9.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--cards", type=int, default=10_000, help="cards per pipeline, over all rounds")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (best and median shown)")
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
        f"corpus: {len(corpus)} cards, {corpus_bytes:,} bytes; {args.cards:,} cards per pipeline in "
        f"{args.rounds} interleaved rounds; YAML loader for cards: {loader}"
    )
    rates = run_rounds(corpus, args.cards, args.rounds)
    print(f"{'cards/s':38} {'CPU best':>9} {'CPU med':>9} {'wall med':>9}")
    print(f"{'baseline (hf regex + yaml.safe_load)':38} {_summary(rates['baseline'])}")
    print(f"{'build_card_result (full pipeline)':38} {_summary(rates['full'])}")
    best_full = max(rate for rate, _ in rates["full"])
    median_ratio = statistics.median(
        f[0] / b[0] for f, b in zip(rates["full"], rates["baseline"], strict=True)
    )
    verdict = "met" if best_full >= TARGET_CARDS_PER_SECOND else "NOT met"
    print(
        f"full / baseline (CPU, median of rounds): {median_ratio:.2f}x; "
        f"target >= {TARGET_CARDS_PER_SECOND} cards/s on one core (best round): {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
