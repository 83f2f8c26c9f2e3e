"""Evaluation: a torch model over whole documents, scored with seqeval and relation P/R/F1.

Prediction goes through :func:`vner.model.decode.predict_texts`, the path serving uses (rules
included when the model's config asks for them), so what is scored is what users get.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vner.model.decode import predict_texts, rules_function, uses_rules
from vner.model.document import Document, read_jsonl
from vner.model.pipeline import MAX_WINDOW, prepare_text, word_tags
from vner.model.subwords import PAD, SPECIAL_IDS, load_tokenizer
from vner.model.words import DEFAULT_SEGMENTER
from vner.training.metrics import format_report, score_documents

log = logging.getLogger(__name__)


@dataclass
class TorchPredictor:
    """A :class:`~vner.model.network.JointModel` with its tokenizer, predicting on CPU or GPU."""

    model: object  # JointModel; typed loosely so this module imports torch lazily
    tokenizer: object
    segmenter: str
    max_length: int = MAX_WINDOW
    batch_size: int = 16
    rules: bool = False  # run the rule-based labeller beside the model (vner.model.decode.merge_rules)

    @classmethod
    def from_directory(cls, directory: str | Path, batch_size: int = 16, rules: bool | None = None
                       ) -> TorchPredictor:
        """Load a trained model directory; ``rules=None`` takes its config's setting."""
        from vner.model.network import JointModel, read_model_info

        info = read_model_info(directory)
        model = JointModel.load(directory)
        model.eval()
        return cls(model, load_tokenizer(directory), info["segmenter"], info["max_length"], batch_size,
                   uses_rules(info, rules))

    def _encode(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import torch

        device = next(self.model.parameters()).device
        with torch.inference_mode():
            tag_logits, hidden = self.model.encode(
                torch.from_numpy(input_ids).to(device), torch.from_numpy(attention_mask).to(device)
            )
        return tag_logits.float().cpu().numpy(), hidden.float().cpu().numpy()

    def _score_pairs(self, heads, tails, head_types, tail_types) -> np.ndarray:
        import torch

        device = next(self.model.parameters()).device
        with torch.inference_mode():
            logits = self.model.relation_head(
                torch.from_numpy(heads).to(device),
                torch.from_numpy(tails).to(device),
                torch.from_numpy(head_types).to(device),
                torch.from_numpy(tail_types).to(device),
            )
        return logits.float().cpu().numpy()

    def predict(self, texts: Sequence[str]) -> list[Document]:
        """Annotated documents for ``texts`` (ids left empty)."""
        return predict_texts(texts, self.tokenizer, segmenter=self.segmenter, max_length=self.max_length,
                             encode=self._encode, score_pairs=self._score_pairs, pad_id=SPECIAL_IDS[PAD],
                             batch_size=self.batch_size, rules=rules_function(self.rules))

    def predict_documents(self, docs: Sequence[Document]) -> list[Document]:
        """Predictions for documents, keeping their ids."""
        predicted = self.predict([d.text for d in docs])
        for doc, pred in zip(docs, predicted):
            pred.id = doc.id
        return predicted


def seqeval_report(gold: Sequence[Document], predicted: Sequence[Document], segmenter: str) -> dict:
    """seqeval's strict IOB2 entity report over words, one sequence per sentence.

    Gold and predicted spans are tagged on the same tokenisation (the serving
    segmentation); a gold entity whose edge falls inside a word cannot be tagged
    there, and is counted as ``untaggable_gold``.
    """
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    by_id = {d.id: d for d in predicted}
    gold_sequences, predicted_sequences, untaggable = [], [], 0
    for doc in gold:
        prepared = prepare_text(doc.text, segmenter)
        gold_tags = word_tags(prepared, doc.entities)
        untaggable += len(doc.entities) - sum(t.startswith("B-") for t in gold_tags)
        predicted_tags = word_tags(prepared, by_id[doc.id].entities)
        for sentence in range(len(prepared.sentences)):
            words = [i for i, s in enumerate(prepared.word_sentence) if s == sentence]
            gold_sequences.append([gold_tags[i] for i in words])
            predicted_sequences.append([predicted_tags[i] for i in words])
    report = classification_report(
        gold_sequences, predicted_sequences, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
    )
    report = {k: {m: (float(v) if m != "support" else int(v)) for m, v in row.items()} for k, row in report.items()}
    report["untaggable_gold"] = untaggable
    return report


def evaluate_predictions(gold: Sequence[Document], predicted: Sequence[Document], segmenter: str) -> dict:
    """Every figure of an evaluation: seqeval entities, exact-span entities, relations."""
    reports = score_documents(gold, predicted)
    return {
        "seqeval": seqeval_report(gold, predicted, segmenter),
        "entities": reports["entities"].to_dict(),
        "relations": reports["relations"].to_dict(),
        "text": format_report(reports),
    }


def format_seqeval(report: dict) -> str:
    """seqeval's report as a table."""
    lines = [f"{'seqeval (strict IOB2)':<18}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for label, row in report.items():
        if isinstance(row, dict):
            lines.append(
                f"  {label:<16}{row['precision']:>10.4f}{row['recall']:>10.4f}"
                f"{row['f1-score']:>10.4f}{row['support']:>10d}"
            )
    lines.append(f"  gold entities not taggable on the words: {report['untaggable_gold']}")
    return "\n".join(lines) + "\n"


def evaluate_model(model_dir: str | Path, data: str | Path, batch_size: int = 16, rules: bool | None = None) -> dict:
    """Predict every document of ``data`` with the model in ``model_dir`` and score it.

    ``rules=None`` runs the rule-based labeller beside the model when its config says so.

    Returns :func:`evaluate_predictions`'s figures plus ``predicted``, the predicted documents in
    the order of ``data`` (for the HTML report).
    """
    gold = list(read_jsonl(data))
    predictor = TorchPredictor.from_directory(model_dir, batch_size=batch_size, rules=rules)
    predicted = predictor.predict_documents(gold)
    return {**evaluate_predictions(gold, predicted, predictor.segmenter), "predicted": predicted}


def evaluate_prediction_file(data: str | Path, predictions: str | Path, segmenter: str = DEFAULT_SEGMENTER) -> dict:
    """Score a JSONL of predictions for the texts of ``data`` (``vner tag``'s output: the shipped INT8
    system as users run it) against the gold documents of ``data``.

    Every gold document needs a prediction of the same id and text, and no prediction may be an error
    line or lack its gold: a ``ValueError`` says which. Returns what :func:`evaluate_model` returns;
    ``segmenter`` gives the words seqeval's report is counted on.
    """
    gold = list(read_jsonl(data))
    by_id = {doc.id: doc for doc in read_jsonl(predictions)}
    for doc in gold:
        prediction = by_id.get(doc.id)
        if prediction is None:
            raise ValueError(f"{predictions}: no prediction for document {doc.id}")
        if prediction.error is not None:
            raise ValueError(f"{predictions}: document {doc.id} is an error line ({prediction.error})")
        if prediction.text != doc.text:
            raise ValueError(f"{predictions}: document {doc.id} has another text than in {data}")
    predicted = [by_id.pop(doc.id) for doc in gold]
    if by_id:
        raise ValueError(f"{predictions}: predictions for documents not in {data}: {sorted(by_id)[:5]}")
    return {**evaluate_predictions(gold, predicted, segmenter), "predicted": predicted}
