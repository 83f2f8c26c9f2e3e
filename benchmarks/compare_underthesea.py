"""PER, LOC and ORG of underthesea's CRF NER against vner, scored on the same gold files.

underthesea's ``ner`` (VLSP-2016 tags PER/LOC/ORG/MISC, shipped in its wheel) runs
sentence by sentence; its tokens are aligned back to character offsets and scored
by exact span and type, like vner's own predictions (``--predictions``: a JSONL of
vner output for the same documents, e.g. from ``vner tag``).

    python benchmarks/compare_underthesea.py runs/heldout.jsonl --predictions runs/heldout.tagged.jsonl
"""

from __future__ import annotations

import argparse

from vner.model.bio import spans_from_bio
from vner.model.document import Document, Entity, read_jsonl
from vner.model.schema import EntityType
from vner.model.text import split_sentences
from vner.model.words import align_tokens
from vner.training.metrics import score_documents

COMPARED = (EntityType.PER, EntityType.LOC, EntityType.ORG)


def underthesea_entities(doc: Document) -> Document:
    from underthesea import ner

    entities: list[Entity] = []
    for start, end in split_sentences(doc.text):
        rows = ner(doc.text[start:end])
        spans = align_tokens(doc.text[start:end], [row[0] for row in rows], offset=start)
        tags = [row[3] for row in rows][: len(spans)]
        for ent_type, first, last in spans_from_bio(tags):
            if ent_type in {t.value for t in COMPARED}:
                s, e = spans[first][0], spans[last - 1][1]
                entities.append(Entity(f"T{len(entities) + 1}", ent_type, s, e, doc.text[s:e]))
    return Document(doc.id, doc.text, entities)


def only_compared(doc: Document) -> Document:
    keep = {t.value for t in COMPARED}
    return Document(doc.id, doc.text, [e for e in doc.entities if e.type in keep])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="gold JSONL")
    parser.add_argument("--predictions", help="vner's predictions for the same documents (JSONL)")
    args = parser.parse_args()
    gold = [only_compared(d) for d in read_jsonl(args.gold)]
    systems = {"underthesea ner": [underthesea_entities(d) for d in gold]}
    if args.predictions:
        systems["vner"] = [only_compared(d) for d in read_jsonl(args.predictions)]
    print(f"{len(gold)} documents of {args.gold}: exact-span P/R/F1")
    print(f"{'system':<18}" + "".join(f"{t.value:>22}" for t in COMPARED))
    for name, predicted in systems.items():
        report = score_documents(gold, predicted)["entities"].per_type
        cells = [report.get(t.value) for t in COMPARED]
        print(f"{name:<18}" + "".join(
            f"  {c.precision:.2f}/{c.recall:.2f}/{c.f1:.2f}".rjust(22) if c else f"{'-':>22}" for c in cells
        ))


if __name__ == "__main__":
    main()
