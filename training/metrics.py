"""Scoring predicted documents against gold ones, as the guide's "Scoring" section defines.

Entities: exact character span and type. Relations: type, head span and type, tail
span and type (``cooperates_with`` in either order). Micro and per-type P/R/F1.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from vner.model.document import Document, relation_key


@dataclass
class PRF:
    """Counts of one label (or of all) and the scores derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    """Per-label counts plus micro and macro averages."""

    per_type: dict[str, PRF] = field(default_factory=dict)

    @property
    def micro(self) -> PRF:
        total = PRF()
        for prf in self.per_type.values():
            total.tp += prf.tp
            total.fp += prf.fp
            total.fn += prf.fn
        return total

    @property
    def macro_f1(self) -> float:
        scored = [p for p in self.per_type.values() if p.support or p.fp]
        return sum(p.f1 for p in scored) / len(scored) if scored else 0.0

    def add(self, label: str, gold: Counter, predicted: Counter) -> None:
        prf = self.per_type.setdefault(label, PRF())
        matched = sum((gold & predicted).values())
        prf.tp += matched
        prf.fp += sum(predicted.values()) - matched
        prf.fn += sum(gold.values()) - matched

    def to_dict(self) -> dict:
        return {
            "micro": self.micro.to_dict(),
            "macro_f1": round(self.macro_f1, 4),
            "per_type": {k: v.to_dict() for k, v in sorted(self.per_type.items())},
        }


def entity_keys(doc: Document) -> Counter:
    """The document's entities as scored: (type, start, end), with multiplicity."""
    return Counter((e.type, e.start, e.end) for e in doc.entities)


def relation_keys(doc: Document) -> Counter:
    """The document's relations as scored (see :func:`vner.model.document.relation_key`), with multiplicity."""
    return Counter(relation_key(doc, r) for r in doc.relations)


def _by_type(keys: Counter) -> dict[str, Counter]:
    grouped: dict[str, Counter] = {}
    for key, count in keys.items():
        grouped.setdefault(key[0], Counter())[key] += count
    return grouped


def score_documents(gold: Iterable[Document], predicted: Iterable[Document]) -> dict[str, Report]:
    """Entity and relation reports of predictions against gold, matched by document id.

    A gold document without a prediction counts as predicted empty; a prediction
    without gold raises ``ValueError``.
    """
    predicted_by_id = {doc.id: doc for doc in predicted}
    entities, relations = Report(), Report()
    for gold_doc in gold:
        pred_doc = predicted_by_id.pop(gold_doc.id, None) or Document(gold_doc.id, gold_doc.text)
        for report, keys in ((entities, entity_keys), (relations, relation_keys)):
            gold_keys, pred_keys = _by_type(keys(gold_doc)), _by_type(keys(pred_doc))
            for label in set(gold_keys) | set(pred_keys):
                report.add(label, gold_keys.get(label, Counter()), pred_keys.get(label, Counter()))
    if predicted_by_id:
        raise ValueError(f"predictions for documents not in the gold set: {sorted(predicted_by_id)[:5]}")
    return {"entities": entities, "relations": relations}


def format_report(reports: dict[str, Report]) -> str:
    """A plain-text table of per-type and micro P/R/F1 for each report."""
    lines = []
    for name, report in reports.items():
        lines.append(f"{name:<18}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        rows = sorted(report.per_type.items()) + [("micro avg", report.micro)]
        for label, prf in rows:
            lines.append(f"  {label:<16}{prf.precision:>10.4f}{prf.recall:>10.4f}{prf.f1:>10.4f}{prf.support:>10d}")
        lines.append(f"  {'macro avg f1':<16}{'':>20}{report.macro_f1:>10.4f}")
        lines.append("")
    return "\n".join(lines)
