"""Leave-one-document-out cross-validation on the gold file of a config."""

from __future__ import annotations

import copy
import json
import logging
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from vner.model.document import Document, read_jsonl
from vner.training.config import TrainConfig
from vner.training.evaluate import TorchPredictor, evaluate_predictions
from vner.training.metrics import score_documents

log = logging.getLogger(__name__)

Predict = Callable[[Sequence[Document]], list[Document]]


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(values), 4),
        "std": round(statistics.pstdev(values), 4) if len(values) > 1 else 0.0,
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }


def summarise_folds(folds: list[dict], gold: Sequence[Document], predicted: Sequence[Document]) -> dict:
    """Mean and spread over folds, and the micro figures of all held-out predictions pooled."""
    pooled = score_documents(gold, predicted)
    return {
        "folds": folds,
        "entity_f1": _spread([f["entity_f1"] for f in folds]),
        "relation_f1": _spread([f["relation_f1"] for f in folds]),
        "pooled": {"entities": pooled["entities"].to_dict(), "relations": pooled["relations"].to_dict()},
    }


def _fold_record(doc: Document, result: dict) -> dict:
    return {
        "held_out": doc.id,
        "entity_f1": result["entities"]["micro"]["f1"],
        "relation_f1": result["relations"]["micro"]["f1"],
        "seqeval_f1": result["seqeval"]["micro avg"]["f1-score"],
    }


def cross_validate(config: TrainConfig, output_root: str | Path, *, progress: bool = True) -> dict:
    """Train one model per gold document with that document held out, and score it on that document.

    Each fold trains on the other gold documents plus the config's silver data,
    for the config's fixed number of epochs/steps (no dev split: there is no
    document to spare). Writes ``cv_summary.json`` under ``output_root``.
    """
    from vner.training.train import train

    output_root = Path(output_root)
    if not config.data.gold:
        raise ValueError("cross-validation needs a gold file (config key 'data.gold')")
    gold = [d for d in read_jsonl(config.data.gold) if d.error is None]
    if len(gold) < 2:
        raise ValueError("cross-validation needs at least two gold documents")
    folds, predicted = [], []
    for doc in gold:
        fold = copy.deepcopy(config)
        fold.data.exclude_ids = [*config.data.exclude_ids, doc.id]
        fold.data.dev, fold.data.dev_fraction = None, 0.0
        fold.output.dir = str(output_root / f"fold-{doc.id}")
        fold.output.export_onnx = False
        log.info("fold %s", doc.id)
        train(fold, progress=progress)
        predictor = TorchPredictor.from_directory(fold.output.dir, config.training.eval_batch_size)
        fold_pred = predictor.predict_documents([doc])
        predicted.extend(fold_pred)
        folds.append(_fold_record(doc, evaluate_predictions([doc], fold_pred, predictor.segmenter)))
    summary = summarise_folds(folds, gold, predicted)
    output_root.mkdir(parents=True, exist_ok=True)
    (output_root / "cv_summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def cross_validate_labeller(gold: Sequence[Document], label: Predict) -> dict:
    """The same figures for a labeller that needs no training (e.g. the weak labeller)."""
    from vner.model.pipeline import DEFAULT_SEGMENTER

    folds, predicted = [], []
    for doc in gold:
        fold_pred = label([doc])
        predicted.extend(fold_pred)
        folds.append(_fold_record(doc, evaluate_predictions([doc], fold_pred, DEFAULT_SEGMENTER)))
    return summarise_folds(folds, gold, predicted)


def format_cv(summary: dict) -> str:
    """A short table of a CV summary."""
    lines = [f"{'held out':<24}{'entity F1':>10}{'relation F1':>12}{'seqeval F1':>12}"]
    for fold in summary["folds"]:
        lines.append(f"{fold['held_out']:<24}{fold['entity_f1']:>10.4f}{fold['relation_f1']:>12.4f}"
                     f"{fold['seqeval_f1']:>12.4f}")
    for key, name in (("entity_f1", "entity F1"), ("relation_f1", "relation F1")):
        spread = summary[key]
        lines.append(f"{name}: mean {spread['mean']:.4f} ± {spread['std']:.4f} "
                     f"(min {spread['min']:.4f}, max {spread['max']:.4f})")
    pooled = summary["pooled"]
    lines.append(f"pooled micro F1: entities {pooled['entities']['micro']['f1']:.4f}, "
                 f"relations {pooled['relations']['micro']['f1']:.4f}")
    return "\n".join(lines)
