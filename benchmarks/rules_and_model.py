"""Does combining the weak labeller with a model beat either alone? Scored on a gold file.

Systems, all on the same documents, exact spans (``vner evaluate``'s metric), the model an
exported serving directory (INT8 when it has one):

- the weak labeller alone; the model alone (``Tagger(rules=False)``);
- the model with rules (``Tagger(rules=True)``, :func:`vner.model.decode.merge_rules`): every
  rule entity and relation is kept; a model entity is added where no rule entity overlaps it,
  and the relation head scores every pair of the merged entities, its relations added for pairs
  the rules leave unrelated; both from a minimum score (a sweep; the shipped setting is marked).

    python benchmarks/rules_and_model.py runs/heldout.jsonl [--model serving/default_model]
"""

from __future__ import annotations

import argparse

from vner.model.decode import RULES_MIN_SCORE
from vner.model.document import Document, read_jsonl
from vner.model.rules import label_document
from vner.serving.tagger import Tagger
from vner.training.metrics import score_documents

MIN_SCORES = (0.0, 0.5, 0.8, 0.9, 0.95)


def _row(name: str, gold: list[Document], predicted: list[Document]) -> str:
    reports = score_documents(gold, predicted)
    ent, rel = reports["entities"].micro, reports["relations"].micro
    return (f"{name:<36} entities P {ent.precision:.3f} R {ent.recall:.3f} F1 {ent.f1:.3f}   "
            f"relations P {rel.precision:.3f} R {rel.recall:.3f} F1 {rel.f1:.3f}")


def _predict(tagger: Tagger, gold: list[Document]) -> list[Document]:
    predicted = tagger.predict([doc.text for doc in gold])
    for doc, pred in zip(gold, predicted):
        pred.id = doc.id
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="gold JSONL (e.g. runs/heldout.jsonl)")
    parser.add_argument("--model", help="exported model directory (default: the shipped model)")
    args = parser.parse_args()

    gold = list(read_jsonl(args.gold))
    print(f"{len(gold)} documents, {sum(len(d.entities) for d in gold)} gold entities, "
          f"{sum(len(d.relations) for d in gold)} gold relations")
    print(_row("weak labeller alone", gold, [label_document(doc.text, doc.id) for doc in gold]))
    print(_row("model alone", gold, _predict(Tagger.from_pretrained(args.model, rules=False), gold)))
    for min_score in MIN_SCORES:
        tagger = Tagger.from_pretrained(args.model, rules=True, rules_min_score=min_score)
        mark = " (shipped)" if min_score == RULES_MIN_SCORE else ""
        print(_row(f"model with rules, ≥ {min_score}{mark}", gold, _predict(tagger, gold)))


if __name__ == "__main__":
    main()
