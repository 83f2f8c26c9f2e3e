"""Does combining the weak labeller with a model beat either alone? Scored on a gold file.

Systems, all on the same documents, exact spans (``vner evaluate``'s metric):

- the weak labeller alone; the model alone (an exported serving directory, INT8);
- rules first, the model filling the gaps: every rule entity and relation is kept,
  and a model entity is added where no rule entity overlaps it, when its score
  reaches a threshold (a sweep); model relations are added between kept entities
  that have none from the rules, at the same threshold.

    python benchmarks/rules_and_model.py runs/heldout.jsonl [--model serving/default_model]
"""

from __future__ import annotations

import argparse

from vner.model.document import Document, Entity, Relation, read_jsonl
from vner.serving.tagger import Tagger
from vner.training.metrics import score_documents
from vner.training.weak import label_document

THRESHOLDS = (0.0, 0.5, 0.8, 0.9, 0.95)


def _overlaps(a: Entity, b: Entity) -> bool:
    return a.start < b.end and b.start < a.end


def rules_then_model(rules: Document, model: Document, threshold: float) -> Document:
    """The rules' annotation, plus model entities where no rule entity is, and their relations."""
    added = [e for e in model.entities
             if (e.score or 0.0) >= threshold and not any(_overlaps(e, r) for r in rules.entities)]
    kept = sorted(rules.entities + added, key=lambda e: (e.start, e.end))
    new_id = {id(e): f"T{n}" for n, e in enumerate(kept, 1)}
    entities = [Entity(new_id[id(e)], e.type, e.start, e.end, e.text, e.score) for e in kept]
    by_old = {("rules", e.id): new_id[id(e)] for e in rules.entities}
    by_old.update({("model", e.id): new_id[id(e)] for e in added})
    relations = [Relation(r.type, by_old[("rules", r.head)], by_old[("rules", r.tail)], r.score)
                 for r in rules.relations]
    linked = {frozenset((r.head, r.tail)) for r in relations}
    for r in model.relations:
        head, tail = by_old.get(("model", r.head)), by_old.get(("model", r.tail))
        if head and tail and (r.score or 0.0) >= threshold and frozenset((head, tail)) not in linked:
            relations.append(Relation(r.type, head, tail, r.score))
            linked.add(frozenset((head, tail)))
    return Document(rules.id, rules.text, entities, relations)


def _row(name: str, gold: list[Document], predicted: list[Document]) -> str:
    reports = score_documents(gold, predicted)
    ent, rel = reports["entities"].micro, reports["relations"].micro
    return f"{name:<34} entities P {ent.precision:.3f} R {ent.recall:.3f} F1 {ent.f1:.3f}   relations F1 {rel.f1:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="gold JSONL (e.g. runs/heldout.jsonl)")
    parser.add_argument("--model", help="exported model directory (default: the shipped model)")
    args = parser.parse_args()

    gold = list(read_jsonl(args.gold))
    rules = [label_document(doc.text, doc.id) for doc in gold]
    model = Tagger.from_pretrained(args.model).predict([doc.text for doc in gold])
    for doc, predicted in zip(gold, model):
        predicted.id = doc.id
    print(f"{len(gold)} documents, {sum(len(d.entities) for d in gold)} gold entities")
    print(_row("weak labeller alone", gold, rules))
    print(_row("model alone", gold, model))
    for threshold in THRESHOLDS:
        combined = [rules_then_model(r, m, threshold) for r, m in zip(rules, model)]
        print(_row(f"rules, model fills gaps (≥ {threshold})", gold, combined))


if __name__ == "__main__":
    main()
