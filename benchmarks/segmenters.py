"""Compare the word segmenters on the seeds' gold entity boundaries, and their speed.

For each segmenter: how many gold entities start or end inside a segmented word
(a clash the training pipeline must split), how many entities are exactly a
sequence of whole words, and sentences/s. Usage: python benchmarks/segmenters.py
"""

from __future__ import annotations

import time
from pathlib import Path

from vner.model.document import read_jsonl
from vner.model.text import split_sentences
from vner.model.words import SEGMENTERS, segment_sentence, split_at

GOLD = Path(__file__).resolve().parents[1] / "seeds" / "gold.jsonl"


def main() -> None:
    docs = list(read_jsonl(GOLD))
    entities = sum(len(d.entities) for d in docs)
    sentences = [(d, s) for d in docs for s in split_sentences(d.text)]
    print(f"{len(docs)} documents, {len(sentences)} sentences, {entities} gold entities")
    print(f"{'segmenter':<12}{'clashing words':>16}{'entities hit':>14}{'whole-word ents':>17}{'sent/s':>10}")
    for name in SEGMENTERS:
        segment_sentence("Khởi động.", (0, 10), name)  # load the model outside the timing
        started = time.perf_counter()
        words = {d.id: [] for d in docs}
        for doc, span in sentences:
            words[doc.id].extend(segment_sentence(doc.text, span, name))
        elapsed = time.perf_counter() - started
        clashes = hit = 0
        for doc in docs:
            cuts = [o for e in doc.entities for o in (e.start, e.end)]
            _, count = split_at(doc.text, words[doc.id], cuts)
            clashes += count
            starts = {s for s, _ in words[doc.id]}
            ends = {e for _, e in words[doc.id]}
            hit += sum(1 for e in doc.entities if e.start not in starts or e.end not in ends)
        whole = entities - hit
        print(f"{name:<12}{clashes:>16}{hit:>14}{whole:>11} ({whole / entities:.1%}){len(sentences) / elapsed:>10.0f}")


if __name__ == "__main__":
    main()
