"""The weak labeller as a tool: label files into silver JSONL (``vner label``) and score it on gold.

The rules themselves are :mod:`vner.model.rules`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from vner.model.document import Document, read_jsonl
from vner.model.rules import WeakLabeller, default_labeller, label_documents


@dataclass
class LabelSummary:
    """What a labelling run did."""

    documents: int = 0
    errors: int = 0
    seconds: float = 0.0
    entities: int = 0
    relations: int = 0

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        return (f"{self.documents} document(s), {self.errors} error(s), {self.entities} entities, "
                f"{self.relations} relations in {self.seconds:.1f} s ({self.per_second:.1f} articles/s)")


def label_inputs(paths: Iterable[str], output: str | Path, progress: bool = True,
                 labeller: WeakLabeller | None = None) -> LabelSummary:
    """Label every document of ``paths`` (see :func:`vner.serving.readers.iter_inputs`) into the
    JSONL file ``output`` (``-``: stdout): one line per input document, in input order, errors as
    lines with an ``error`` field. Shows a progress bar on stderr when ``progress``."""
    from vner.model.document import open_text
    from vner.serving.readers import STDOUT, iter_inputs

    summary = LabelSummary()
    started = time.perf_counter()
    docs = iter_inputs(paths)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc="labelling", unit=" docs", file=sys.stderr, dynamic_ncols=True)
    with nullcontext(sys.stdout) if str(output) == STDOUT else open_text(output, "wt") as handle:
        for doc in label_documents(docs, labeller):
            handle.write(doc.to_json() + "\n")
            summary.documents += 1
            if doc.error is not None:
                summary.errors += 1
            summary.entities += len(doc.entities)
            summary.relations += len(doc.relations)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def label_file(path: str, output: str | Path, progress: bool = True) -> LabelSummary:
    """:func:`label_inputs` for one input path."""
    return label_inputs([path], output, progress=progress)


def evaluate_labeller(data: str | Path, labeller: WeakLabeller | None = None) -> dict:
    """Score the weak labeller against the gold documents of ``data`` (a JSONL file).

    Returns :func:`vner.training.metrics.score_documents`'s reports, ``{"entities": Report,
    "relations": Report}``, plus ``predicted``: the labelled documents in the order of ``data``.
    """
    from vner.training.metrics import score_documents

    gold = list(read_jsonl(data))
    labeller = labeller or default_labeller()
    predicted = [labeller.label(Document(doc.id, doc.text)) for doc in gold]
    for doc, pred in zip(gold, predicted):
        if pred.text != doc.text:
            raise ValueError(f"document {doc.id}: its text is not NFC; offsets cannot be compared")
    return {**score_documents(gold, predicted), "predicted": predicted}
