"""Speed of the weak labeller on the unlabeled same-domain news, with what it finds.

Labels every article of ``../shared/data/news_gov_unlabeled.jsonl.gz`` (read in place, streamed)
in one process and prints articles/s, the total time, and the entity and relation counts per type.
Usage::

    python benchmarks/label_speed.py [--data PATH] [--limit N] [--output OUT.jsonl]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from vner.model.document import open_text
from vner.model.rules import WeakLabeller, label_documents
from vner.model.schema import ENTITY_TYPES, RELATION_TYPES
from vner.serving.readers import iter_inputs

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "news_gov_unlabeled.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA), help="JSONL(.gz) articles (default: the unlabeled news)")
    parser.add_argument("--limit", type=int, help="label the first N articles only")
    parser.add_argument("--output", help="also write the labelled documents here (JSONL)")
    args = parser.parse_args()
    if not Path(args.data).exists():
        raise SystemExit(f"{args.data}: not found (the shared data lives beside the repository)")

    started = time.perf_counter()
    labeller = WeakLabeller()
    setup = time.perf_counter() - started

    entities: Counter = Counter()
    relations: Counter = Counter()
    docs = errors = characters = 0
    handle = open_text(args.output, "wt") if args.output else None
    started = time.perf_counter()
    inputs = iter_inputs([args.data])
    for doc in label_documents(inputs, labeller):
        if args.limit and docs >= args.limit:
            break
        docs += 1
        characters += len(doc.text)
        if doc.error is not None:
            errors += 1
        entities.update(e.type for e in doc.entities)
        relations.update(r.type for r in doc.relations)
        if handle is not None:
            handle.write(doc.to_json() + "\n")
    elapsed = time.perf_counter() - started
    if handle is not None:
        handle.close()

    print(f"data: {args.data}")
    print(f"setup (gazetteers, dictionary): {setup:.2f} s")
    print(f"{docs} articles ({characters / 1e6:.1f} M characters, {errors} errors) in {elapsed:.1f} s: "
          f"{docs / elapsed:.1f} articles/s, {characters / elapsed / 1e3:.0f} k characters/s")
    print(f"\n{'entities':<18}{'count':>8}{'per article':>13}")
    for etype in ENTITY_TYPES:
        print(f"  {etype.value:<16}{entities[etype.value]:>8}{entities[etype.value] / max(docs, 1):>13.1f}")
    print(f"  {'total':<16}{sum(entities.values()):>8}{sum(entities.values()) / max(docs, 1):>13.1f}")
    print(f"\n{'relations':<18}{'count':>8}{'per article':>13}")
    for rtype in RELATION_TYPES:
        print(f"  {rtype.value:<16}{relations[rtype.value]:>8}{relations[rtype.value] / max(docs, 1):>13.1f}")
    print(f"  {'total':<16}{sum(relations.values()):>8}{sum(relations.values()) / max(docs, 1):>13.1f}")


if __name__ == "__main__":
    main()
