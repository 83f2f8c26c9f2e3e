"""Would a learned combiner of rules and model beat the fixed one? Cross-validated on a gold set.

Candidates are the union of the weak labeller's entities and the model's (alone, any score). A
classifier (scikit-learn, which seqeval brings) learns from features of each candidate: which
system proposed it, the rule's and the model's score, whether it overlaps another candidate, its
type and shape. Its picks (most probable first, no overlaps) are scored by exact span and type
with 5-fold cross-validation grouped by article, against the labeller alone and the shipped
merge (rules, plus model entities from 0.8 where no rule entity overlaps).

    python benchmarks/learned_combiner.py runs/dev-38.jsonl [--model DIR]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from vner.model.decode import RULES_MIN_SCORE
from vner.model.document import Document, read_jsonl
from vner.model.rules import label_document
from vner.model.schema import ENTITY_TYPES
from vner.serving.tagger import Tagger

Key = tuple[int, int, str]


def overlapping(key: Key, others: Iterable[Key]) -> list[Key]:
    return [k for k in others if k != key and k[0] < key[1] and key[0] < k[1]]


def features(text: str, key: Key, rules: dict[Key, float], model: dict[Key, float]) -> list[float]:
    start, end, etype = key
    rule_rivals, model_rivals = overlapping(key, rules), overlapping(key, model)
    span = text[start:end]
    in_rules, model_score = key in rules, model.get(key, 0.0)
    return [in_rules, rules.get(key, 0.0), key in model, model_score, bool(rule_rivals), bool(model_rivals),
            max((model[k] for k in model_rivals), default=0.0), max((rules[k] for k in rule_rivals), default=0.0),
            any(k[:2] == key[:2] for k in rule_rivals + model_rivals),
            len(span.split()), span[:1].isupper(), sum(c.isupper() for c in span) / len(span),
            "(" in span, any(c.isdigit() for c in span),
            *(etype == t for t in ENTITY_TYPES), *(in_rules * (etype == t) for t in ENTITY_TYPES),
            *(model_score * (etype == t) for t in ENTITY_TYPES)]


def line(name: str, scores: tuple[float, float, float]) -> str:
    return f"{name:<28} F1 {scores[0]:.4f}  P {scores[1]:.4f}  R {scores[2]:.4f}"


def f1(chosen: np.ndarray, right: np.ndarray, gold_count: int) -> tuple[float, float, float]:
    found = int(right[chosen].sum())
    precision, recall = found / max(int(chosen.sum()), 1), found / gold_count
    return 2 * precision * recall / max(precision + recall, 1e-9), precision, recall


def without_overlaps(probability: np.ndarray, keys: list[tuple[int, Key]], threshold: float) -> np.ndarray:
    chosen = np.zeros(len(keys), bool)
    taken: dict[int, list[Key]] = {}
    for row in np.argsort(-probability):
        if probability[row] < threshold:
            break
        doc, key = keys[row]
        if not overlapping(key, taken.get(doc, [])):
            taken.setdefault(doc, []).append(key)
            chosen[row] = True
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="annotated JSONL")
    parser.add_argument("--model", help="exported model directory (default: the shipped model)")
    args = parser.parse_args()

    gold = list(read_jsonl(args.gold))
    tagger = Tagger.from_pretrained(args.model, rules=False)
    rows, right, groups, keys = [], [], [], []
    for number, doc in enumerate(gold):
        rules = {(e.start, e.end, e.type): e.score or 0.0 for e in label_document(Document(doc.id, doc.text)).entities}
        model = {(e.start, e.end, e.type): e.score or 0.0 for e in tagger.predict(doc.text).entities}
        gold_keys = {(e.start, e.end, e.type) for e in doc.entities}
        for key in sorted(set(rules) | set(model)):
            rows.append(features(doc.text, key, rules, model))
            right.append(key in gold_keys)
            groups.append(number)
            keys.append((number, key))
    x, y = np.array(rows, float), np.array(right)
    gold_count = sum(len(d.entities) for d in gold)
    in_rules, in_model, model_score, rivals_rules = x[:, 0] == 1, x[:, 2] == 1, x[:, 3], x[:, 4] == 1
    print(f"{len(gold)} articles, {gold_count} gold entities, {len(y)} candidates, {int(y.sum())} right "
          f"(the most any filter can find: recall {y.sum() / gold_count:.3f}, "
          f"F1 {f1(y, y, gold_count)[0]:.3f})")
    print(line("labeller alone", f1(in_rules, y, gold_count)))
    shipped = in_rules | (in_model & (model_score >= RULES_MIN_SCORE) & ~rivals_rules)
    print(line("shipped merge", f1(shipped, y, gold_count)))
    classifiers = {"logistic regression": lambda: LogisticRegression(max_iter=2000),
                   "gradient boosting": lambda: HistGradientBoostingClassifier(max_depth=3, max_iter=150,
                                                                                learning_rate=0.05)}
    for name, make in classifiers.items():
        probability = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=5).split(x, y, groups):
            probability[test] = make().fit(x[train], y[train]).predict_proba(x[test])[:, 1]
        for threshold in (0.3, 0.4, 0.5, 0.6):
            print(line(f"{name} ≥ {threshold}", f1(without_overlaps(probability, keys, threshold), y, gold_count)))


if __name__ == "__main__":
    main()
