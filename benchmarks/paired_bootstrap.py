"""Is a system better than the weak labeller beyond the luck of which articles were drawn?

A paired bootstrap over articles: the gold articles are drawn again with replacement
(``--samples`` times, seeded), and on each draw both systems' micro F1 (exact spans,
``vner evaluate``'s metric) are computed on the same articles. Printed per level
(entities, relations): both F1 on the real set, their difference, the 2.5–97.5 %
interval of the difference over the draws, and the share of draws in which the system
scores above, level with, and below the labeller.

    vner tag runs/heldout-both.jsonl -o runs/both.tagged.jsonl
    python benchmarks/paired_bootstrap.py runs/heldout-both.jsonl --predictions runs/both.tagged.jsonl
"""

from __future__ import annotations

import argparse
import random

from vner.model.document import Document, read_jsonl
from vner.model.rules import label_document
from vner.training.metrics import PRF, score_documents

LEVELS = ("entities", "relations")


def article_counts(gold: list[Document], predicted: list[Document]) -> list[dict[str, PRF]]:
    """Per article, the micro TP/FP/FN counts of each level."""
    return [{level: report.micro for level, report in score_documents([g], [p]).items()}
            for g, p in zip(gold, predicted)]


def pooled_f1(counts: list[dict[str, PRF]], indices: list[int], level: str) -> float:
    """Micro F1 of the articles at ``indices`` (repeats count again), from their summed counts."""
    pooled = PRF(*(sum(getattr(counts[i][level], field) for i in indices) for field in ("tp", "fp", "fn")))
    return pooled.f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="gold JSONL (e.g. runs/heldout-both.jsonl)")
    parser.add_argument("--predictions", required=True, help="the system's JSONL for the same documents (vner tag)")
    parser.add_argument("--samples", type=int, default=10_000, help="bootstrap draws (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    gold = list(read_jsonl(args.gold))
    by_id = {doc.id: doc for doc in read_jsonl(args.predictions)}
    missing = [doc.id for doc in gold if doc.id not in by_id]
    if missing:
        parser.error(f"--predictions lacks {len(missing)} gold document(s), e.g. {missing[0]}")
    system = article_counts(gold, [by_id[doc.id] for doc in gold])
    labeller = article_counts(gold, [label_document(doc.text, doc.id) for doc in gold])

    rng = random.Random(args.seed)
    articles = list(range(len(gold)))
    draws = [rng.choices(articles, k=len(articles)) for _ in range(args.samples)]
    print(f"{len(gold)} articles, {args.samples} paired draws (seed {args.seed})")
    for level in LEVELS:
        ours, theirs = pooled_f1(system, articles, level), pooled_f1(labeller, articles, level)
        diffs = sorted(pooled_f1(system, d, level) - pooled_f1(labeller, d, level) for d in draws)
        low, high = diffs[int(0.025 * len(diffs))], diffs[int(0.975 * len(diffs)) - 1]
        above = sum(d > 1e-12 for d in diffs) / len(diffs)
        below = sum(d < -1e-12 for d in diffs) / len(diffs)
        print(f"{level:<9} system F1 {ours:.3f}  labeller F1 {theirs:.3f}  difference {ours - theirs:+.3f}  "
              f"95 % interval [{low:+.3f}, {high:+.3f}]  draws above {above:.1%}, level {1 - above - below:.1%}, "
              f"below {below:.1%}")


if __name__ == "__main__":
    main()
