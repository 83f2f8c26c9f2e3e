"""Does combining the weak labeller with a model beat either alone? Scored on a gold file.

Systems, all on the same documents, exact spans (``vner evaluate``'s metric), the model an
exported serving directory (INT8 when it has one):

- the weak labeller alone; the model alone (``Tagger(rules=False)``);
- the model with rules (``Tagger(rules=True)``, :func:`vner.model.decode.merge_rules`): every
  rule entity and relation is kept; a model entity is added where no rule entity overlaps it,
  and the relation head scores every pair of the merged entities, its relations added for pairs
  the rules leave unrelated; both from a minimum score (a sweep; the shipped setting is marked).

With ``--agreement``, whether the model could also *remove* rule output (a veto): the rule entities
grouped by what the model alone predicts over them (the same span and type, an overlap, nothing)
and the rule relations by whether the model alone relates the same two spans, each group with its
precision against gold; a group well under one half would be worth vetoing. Then what the model
adds beside the rules: entities by type and score, relations by type, with how many are right.

    python benchmarks/rules_and_model.py runs/heldout.jsonl [--model serving/default_model] [--agreement]
"""

from __future__ import annotations

import argparse
from collections import Counter

from vner.model.decode import RULES_MIN_SCORE
from vner.model.document import Document, Entity, read_jsonl
from vner.model.rules import label_document
from vner.serving.tagger import Tagger
from vner.training.metrics import entity_keys, relation_keys, score_documents

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


def _precision_rows(title: str, kept: Counter, right: Counter) -> None:
    print(title)
    for group, count in kept.most_common():
        print(f"  {group:<34} {count:5d}, right {right[group]:5d}, precision {right[group] / count:.3f}")


def _entity_agreement(entity: Entity, model: Document) -> str:
    """What the model alone predicts over a rule ``entity``."""
    overlapping = [e for e in model.entities if e.start < entity.end and entity.start < e.end]
    if any((e.start, e.end, e.type) == (entity.start, entity.end, entity.type) for e in overlapping):
        return "the same span and type"
    if any(e.type == entity.type for e in overlapping):
        return "an overlap of the same type"
    return "an overlap of another type" if overlapping else "nothing"


def agreement(gold: list[Document], rules: list[Document], model: list[Document],
              combined: list[Document]) -> None:
    """Print the precision of rule output by what the model alone says of it, and of the model's additions."""
    kept, right = Counter(), Counter()
    rel_kept, rel_right = Counter(), Counter()
    by_type, by_type_right = Counter(), Counter()
    by_score, by_score_right = Counter(), Counter()
    rel_added, rel_added_right = Counter(), Counter()
    for gold_doc, rule_doc, model_doc, combined_doc in zip(gold, rules, model, combined):
        gold_entities, gold_relations = entity_keys(gold_doc), relation_keys(gold_doc)
        for entity in rule_doc.entities:
            group = _entity_agreement(entity, model_doc)
            kept[group] += 1
            right[group] += (entity.type, entity.start, entity.end) in gold_entities
        model_relations, rule_relations = relation_keys(model_doc), relation_keys(rule_doc)
        model_pairs = {key[1:3] for key in model_relations} | {key[2:0:-1] for key in model_relations}
        for key in rule_relations:
            group = ("the same relation" if key in model_relations
                     else "another relation" if key[1:3] in model_pairs else "no relation")
            rel_kept[group] += 1
            rel_right[group] += key in gold_relations
        for key in entity_keys(combined_doc) - entity_keys(rule_doc):
            score = max(e.score or 0.0 for e in combined_doc.entities if (e.type, e.start, e.end) == key)
            band = "≥ 0.95" if score >= 0.95 else "0.8 to 0.95" if score >= 0.8 else "under 0.8"
            for counts, right_counts, group in ((by_type, by_type_right, key[0]),
                                                (by_score, by_score_right, band)):
                counts[group] += 1
                right_counts[group] += key in gold_entities
        for key in relation_keys(combined_doc) - rule_relations:
            rel_added[key[0]] += 1
            rel_added_right[key[0]] += key in gold_relations
    _precision_rows("rule entities, by what the model alone predicts over them:", kept, right)
    _precision_rows("rule relations, by what the model alone says of the same two spans:", rel_kept, rel_right)
    _precision_rows("entities the shipped system adds to the rules, by type:", by_type, by_type_right)
    _precision_rows("the same, by the model's score:", by_score, by_score_right)
    _precision_rows("relations the shipped system adds to the rules, by type:", rel_added, rel_added_right)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="gold JSONL (e.g. runs/heldout.jsonl)")
    parser.add_argument("--model", help="exported model directory (default: the shipped model)")
    parser.add_argument("--agreement", action="store_true",
                        help="also print the precision of rule output by what the model alone says of it")
    args = parser.parse_args()

    gold = list(read_jsonl(args.gold))
    print(f"{len(gold)} documents, {sum(len(d.entities) for d in gold)} gold entities, "
          f"{sum(len(d.relations) for d in gold)} gold relations")
    rules = [label_document(doc.text, doc.id) for doc in gold]
    model = _predict(Tagger.from_pretrained(args.model, rules=False), gold)
    print(_row("weak labeller alone", gold, rules))
    print(_row("model alone", gold, model))
    shipped: list[Document] = []
    for min_score in MIN_SCORES:
        tagger = Tagger.from_pretrained(args.model, rules=True, rules_min_score=min_score)
        combined = _predict(tagger, gold)
        mark = ""
        if min_score == RULES_MIN_SCORE:
            mark, shipped = " (shipped)", combined
        print(_row(f"model with rules, ≥ {min_score}{mark}", gold, combined))
    if args.agreement:
        agreement(gold, rules, model, shipped)


if __name__ == "__main__":
    main()
