"""Windows per model call, in one run: speed of each batch size, and how many articles' INT8 results
change with it (dynamic quantisation scales activations over the whole batch).

For the shipped default model and a PhoBERT-base-shaped random model (speed does not depend on the
weights), on articles of ``../shared/data/news_mixed_feed.jsonl.gz``: each ONNX graph, the model
alone (and the shipped one with the rules beside it), articles/s at each batch size (every size
timed twice, interleaved, best kept); for INT8, the articles whose results differ from the first
batch size's (1): at all (scores included), and in their entity spans or relation triples.

    python benchmarks/batch_size.py --limit 100 [--sizes 1 4 16] [--skip-base]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tag_throughput import build_base_shaped, read_feed

from vner.serving.tagger import ENCODER_FILES, Tagger, default_model_dir


def annotation(doc: dict) -> tuple:
    """A tagged document's entity spans and relation triples, without scores."""
    entities = {e["id"]: (e["type"], e["start"], e["end"]) for e in doc["entities"]}
    return (sorted(entities.values()),
            sorted((r["type"], entities[r["head"]], entities[r["tail"]]) for r in doc["relations"]))


def timed(tagger: Tagger, texts: list[str], batch_size: int) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    docs = tagger.predict(texts, batch_size)
    return time.perf_counter() - started, [d.to_dict() for d in docs]


def bench(name: str, directory: Path, texts: list[str], sizes: list[int], with_rules: bool = False) -> None:
    print(f"\n== {name}")
    runs = [("fp32", False), ("int8", False)] + [("int8", True)] * with_rules
    for precision, rules in runs:
        if not (directory / ENCODER_FILES[precision]).exists():
            print(f"{precision}: no {ENCODER_FILES[precision]} in {directory}")
            continue
        tagger = Tagger(directory, precision=precision, rules=rules)
        label = precision + " + rules" * rules
        tagger.predict(texts[:2])  # warm-up
        best: dict[int, float] = {}
        outputs: dict[int, list[dict]] = {}
        for _ in range(2):
            for size in sizes:
                seconds, outputs[size] = timed(tagger, texts, size)
                best[size] = min(best.get(size, seconds), seconds)
        for size in sizes:
            line = f"{label} batch {size:>3}: {len(texts) / best[size]:7.2f} articles/s"
            line += f" ({best[sizes[0]] / best[size]:.2f}× batch {sizes[0]})"
            if precision == "int8" and size != sizes[0]:
                pairs = list(zip(outputs[size], outputs[sizes[0]]))
                changed = sum(a != b for a, b in pairs)
                relabelled = sum(annotation(a) != annotation(b) for a, b in pairs)
                line += (f"; results differ from batch {sizes[0]} on {changed}/{len(texts)} articles, "
                         f"entities or relations (not only scores) on {relabelled}")
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="articles of the mixed feed (default 100)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16], help="batch sizes, the first the reference")
    parser.add_argument("--skip-base", action="store_true", help="bench only the shipped model")
    args = parser.parse_args()

    from vner.training.export import export_model

    texts = read_feed(args.limit)
    print(f"{len(texts)} articles of the mixed feed, {sum(map(len, texts))} characters")
    bench("shipped default model", default_model_dir(), texts, args.sizes, with_rules=True)
    if not args.skip_base:
        with tempfile.TemporaryDirectory() as tmp:
            base = build_base_shaped(default_model_dir(), Path(tmp) / "base")
            export_model(base, Path(tmp) / "onnx", min_int8_agreement=0.0)
            bench("PhoBERT-base-shaped (random weights, 12 × 768)", Path(tmp) / "onnx", texts, args.sizes)


if __name__ == "__main__":
    main()
