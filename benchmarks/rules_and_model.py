"""Does combining the weak labeller with a model beat either alone? Scored on a gold file.

Systems, all on the same documents, exact spans (``vner evaluate``'s metric):

- the weak labeller alone; the model alone (an exported serving directory, INT8);
- rules first, the model filling the gaps: every rule entity and relation is kept,
  and a model entity is added where no rule entity overlaps it, when its score
  reaches a threshold (a sweep); model relations are added between added entities
  at the same threshold;
- the same, with the model's relation head run over *all* kept entities (rule ones
  included), its relations added for pairs the rules leave unrelated.

    python benchmarks/rules_and_model.py runs/heldout.jsonl [--model serving/default_model]
"""

from __future__ import annotations

import argparse
import bisect
from dataclasses import dataclass

import numpy as np

from vner.model.decode import EncodedText, decode_relations, decode_tags, run_windows
from vner.model.document import Document, Entity, Relation, read_jsonl
from vner.model.pipeline import entities_from_word_tags
from vner.model.rules import label_document
from vner.model.subwords import PAD, SPECIAL_IDS
from vner.serving.tagger import Tagger
from vner.training.metrics import score_documents

THRESHOLDS = (0.0, 0.5, 0.8, 0.9, 0.95)


@dataclass
class ModelRun:
    """One document through the model: its encoding, window outputs and decoded annotation."""

    encoded: EncodedText
    outputs: list[tuple[np.ndarray, np.ndarray]]
    document: Document


def run_model(tagger: Tagger, doc: Document) -> ModelRun:
    """What ``tagger.predict`` does, keeping the window outputs for the relation head."""
    (encoded,) = tagger.encode_texts([doc.text])
    outputs = run_windows(encoded.windows, tagger.encode, SPECIAL_IDS[PAD], tagger.batch_size)
    tags, scores = decode_tags(encoded, outputs)
    entities = entities_from_word_tags(encoded.prepared, tags, scores, join_fragments=True)
    relations = decode_relations(encoded, outputs, entities, tagger.score_pairs)
    return ModelRun(encoded, outputs, Document(doc.id, doc.text, entities, relations))


def _overlaps(a: Entity, b: Entity) -> bool:
    return a.start < b.end and b.start < a.end


def model_relations(tagger: Tagger, run: ModelRun, entities: list[Entity]) -> list[Relation]:
    """The relation head over ``entities``; one that starts inside a word is read at that word."""
    prepared = run.encoded.prepared
    word_starts = [prepared.normalized.to_original(start, end)[0] for start, end in prepared.words]
    at_words = [Entity(e.id, e.type, word_starts[max(0, bisect.bisect_right(word_starts, e.start) - 1)], e.end,
                       e.text, e.score) for e in entities]
    return decode_relations(run.encoded, run.outputs, at_words, tagger.score_pairs)


def rules_then_model(rules: Document, run: ModelRun, threshold: float, tagger: Tagger | None = None) -> Document:
    """The rules' annotation, plus model entities where no rule entity is, and model relations.

    Without ``tagger``, only relations between added entities come from the model; with it, the
    relation head scores every pair of kept entities, and pairs the rules left unrelated get its relations.
    """
    model = run.document
    added = [e for e in model.entities
             if (e.score or 0.0) >= threshold and not any(_overlaps(e, r) for r in rules.entities)]
    kept = sorted(rules.entities + added, key=lambda e: (e.start, e.end))
    new_id = {id(e): f"T{n}" for n, e in enumerate(kept, 1)}
    entities = [Entity(new_id[id(e)], e.type, e.start, e.end, e.text, e.score) for e in kept]
    by_old = {("rules", e.id): new_id[id(e)] for e in rules.entities}
    relations = [Relation(r.type, by_old[("rules", r.head)], by_old[("rules", r.tail)], r.score)
                 for r in rules.relations]
    if tagger is None:
        by_old.update({("model", e.id): new_id[id(e)] for e in added})
        candidates = [Relation(r.type, by_old[("model", r.head)], by_old[("model", r.tail)], r.score)
                      for r in model.relations if ("model", r.head) in by_old and ("model", r.tail) in by_old]
    else:
        candidates = model_relations(tagger, run, entities)
    linked = {frozenset((r.head, r.tail)) for r in relations}
    for r in candidates:
        if (r.score or 0.0) >= threshold and frozenset((r.head, r.tail)) not in linked:
            relations.append(r)
            linked.add(frozenset((r.head, r.tail)))
    return Document(rules.id, rules.text, entities, relations)


def _row(name: str, gold: list[Document], predicted: list[Document]) -> str:
    reports = score_documents(gold, predicted)
    ent, rel = reports["entities"].micro, reports["relations"].micro
    return (f"{name:<44} entities P {ent.precision:.3f} R {ent.recall:.3f} F1 {ent.f1:.3f}   "
            f"relations P {rel.precision:.3f} R {rel.recall:.3f} F1 {rel.f1:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="gold JSONL (e.g. runs/heldout.jsonl)")
    parser.add_argument("--model", help="exported model directory (default: the shipped model)")
    args = parser.parse_args()

    gold = list(read_jsonl(args.gold))
    tagger = Tagger.from_pretrained(args.model)
    rules = [label_document(doc.text, doc.id) for doc in gold]
    runs = [run_model(tagger, doc) for doc in gold]
    print(f"{len(gold)} documents, {sum(len(d.entities) for d in gold)} gold entities, "
          f"{sum(len(d.relations) for d in gold)} gold relations")
    print(_row("weak labeller alone", gold, rules))
    print(_row("model alone", gold, [run.document for run in runs]))
    for threshold in THRESHOLDS:
        combined = [rules_then_model(r, run, threshold) for r, run in zip(rules, runs)]
        print(_row(f"rules, model fills gaps (≥ {threshold})", gold, combined))
    for threshold in THRESHOLDS:
        combined = [rules_then_model(r, run, threshold, tagger) for r, run in zip(rules, runs)]
        print(_row(f"  + model relations on all (≥ {threshold})", gold, combined))


if __name__ == "__main__":
    main()
