"""Training examples: annotated documents → windows with tag labels and relation pairs.

Each window is one example: ``input_ids``, a label per subword (the word's tag on
its first subword; -100 elsewhere, and on words whose tag is unknown), and the
candidate entity pairs whose head the window owns, with their relation label (or
``none``). Tokenised examples are cached as a Hugging Face ``datasets`` dataset on disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vner.model.decode import ENTITY_TYPE_IDS, WordSubwordsFn, candidate_pairs, owning_windows
from vner.model.document import Document
from vner.model.pipeline import PreparedText, make_windows, prepare_text, word_tags
from vner.model.schema import BIO_TAGS, NO_RELATION, OUTSIDE_TAG, RELATION_LABELS, RELATION_SIGNATURES, RelationType

log = logging.getLogger(__name__)

IGNORE = -100
TAG_IDS = {tag: i for i, tag in enumerate(BIO_TAGS)}
RELATION_IDS = {label: i for i, label in enumerate(RELATION_LABELS)}
DATA_VERSION = "1"  # bump when the example format changes, to invalidate caches
# A capitalised word after one of these opens a clause (a quote, a list item), like a sentence's first word.
CLAUSE_OPENERS = frozenset(':;"“”‘’\'…-–—•*')


@dataclass(frozen=True)
class ExampleSource:
    """Documents to make training windows of, with their loss weight.

    ``names_unknown``: the documents' untagged words that look like names carry no tag
    loss (:func:`untagged_name_words`), for labels that abstain rather than say ``O``.
    """

    documents: Sequence[Document]
    weight: float = 1.0
    names_unknown: bool = False


def untagged_name_words(prepared: PreparedText, tags: Sequence[str]) -> list[int]:
    """The words tagged ``O`` that look like part of a name: capitalised, and neither first in their
    sentence nor right after a clause opener (a colon, a quote, a dash)."""
    found = []
    for index, tag in enumerate(tags):
        if tag != OUTSIDE_TAG or not prepared.text[prepared.words[index][0]].isupper():
            continue
        if index == 0 or prepared.word_sentence[index - 1] != prepared.word_sentence[index]:
            continue
        before = prepared.words[index - 1]
        if prepared.text[before[1] - 1] in CLAUSE_OPENERS:
            continue
        found.append(index)
    return found


def _gold_relations(doc: Document, index: dict[str, int]) -> dict[tuple[int, int], str]:
    """(head, tail) entity indices → relation type; symmetric types keyed with the earlier mention first."""
    labels = {}
    for rel in doc.relations:
        head, tail = index[rel.head], index[rel.tail]
        if RELATION_SIGNATURES[RelationType(rel.type)].symmetric:
            head, tail = sorted((head, tail), key=lambda i: doc.entities[i].start)
        labels[(head, tail)] = rel.type
    return labels


def document_examples(
    doc: Document,
    word_subwords: WordSubwordsFn,
    *,
    bos_id: int,
    eos_id: int,
    segmenter: str,
    max_length: int,
    weight: float = 1.0,
    names_unknown: bool = False,
) -> tuple[list[dict], int]:
    """The training windows of one document, and how many words were split at entity edges.

    With ``names_unknown`` the words of :func:`untagged_name_words` get no tag label.
    """
    entities = sorted(doc.entities, key=lambda e: e.start)
    doc = Document(doc.id, doc.text, entities, doc.relations)
    prepared = prepare_text(doc.text, segmenter, cuts=[o for e in entities for o in (e.start, e.end)])
    if not prepared.words:
        return [], 0
    tags = word_tags(prepared, entities)
    unknown = set(untagged_name_words(prepared, tags)) if names_unknown else set()
    word_start = {start: i for i, (start, _) in enumerate(prepared.words)}
    first_words = [word_start[prepared.normalized.from_original(e.start, e.end)[0]] for e in entities]
    relations = _gold_relations(doc, {e.id: i for i, e in enumerate(entities)})
    pairs = candidate_pairs([e.type for e in entities], first_words, prepared.word_sentence)
    missing = set(relations) - set(pairs)
    if missing:
        log.debug("%s: %d gold relations are not candidate pairs", doc.id, len(missing))

    windows = make_windows(
        word_subwords(prepared.word_forms()), prepared.word_sentence,
        bos_id=bos_id, eos_id=eos_id, max_length=max_length,
    )
    owner = owning_windows(windows)
    pairs_by_window: dict[int, list[tuple[int, int]]] = {}
    for head, tail in pairs:
        pairs_by_window.setdefault(owner[first_words[head]], []).append((head, tail))
    examples = []
    for index, window in enumerate(windows):
        first = window.first_subwords()
        labels = [IGNORE] * len(window.input_ids)
        for word, position in first.items():
            if word not in unknown:
                labels[position] = TAG_IDS[tags[word]]
        heads, tails, head_types, tail_types, pair_labels = [], [], [], [], []
        for head, tail in pairs_by_window.get(index, []):
            if first_words[tail] in first:
                heads.append(first[first_words[head]])
                tails.append(first[first_words[tail]])
                head_types.append(ENTITY_TYPE_IDS[entities[head].type])
                tail_types.append(ENTITY_TYPE_IDS[entities[tail].type])
                pair_labels.append(RELATION_IDS[relations.get((head, tail), NO_RELATION)])
        examples.append(
            {
                "doc_id": doc.id,
                "input_ids": window.input_ids,
                "labels": labels,
                "pair_heads": heads,
                "pair_tails": tails,
                "pair_head_types": head_types,
                "pair_tail_types": tail_types,
                "pair_labels": pair_labels,
                "weight": weight,
            }
        )
    return examples, prepared.split_words


def _fingerprint(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def build_dataset(
    sources: Sequence[ExampleSource],
    word_subwords: WordSubwordsFn,
    *,
    tokenizer_fingerprint: str,
    bos_id: int,
    eos_id: int,
    segmenter: str,
    max_length: int,
    cache_dir: str | Path | None = None,
    progress: bool = False,
):
    """A ``datasets.Dataset`` of the windows of every source.

    With ``cache_dir`` the tokenised dataset is saved there under a fingerprint of
    the documents, the tokenizer and the settings, and reused on the next run.
    """
    import datasets
    from tqdm.auto import tqdm

    fingerprint = _fingerprint(
        [DATA_VERSION, tokenizer_fingerprint, segmenter, str(max_length)]
        + [f"{source.weight}:{source.names_unknown}:{doc.to_json()}" for source in sources for doc in source.documents]
    )
    cached = Path(cache_dir) / f"examples-{fingerprint}" if cache_dir else None
    if cached is not None and cached.exists():
        log.info("reusing tokenised examples from %s", cached)
        return datasets.load_from_disk(str(cached))

    examples, split_words = [], 0
    total = sum(len(source.documents) for source in sources)
    with tqdm(total=total, desc="tokenising", unit="doc", disable=not progress) as bar:
        for source in sources:
            for doc in source.documents:
                doc_examples, splits = document_examples(
                    doc, word_subwords, bos_id=bos_id, eos_id=eos_id, segmenter=segmenter,
                    max_length=max_length, weight=source.weight, names_unknown=source.names_unknown,
                )
                examples.extend(doc_examples)
                split_words += splits
                bar.update()
    log.info("%d windows from %d documents; %d words split at entity edges", len(examples), total, split_words)
    dataset = datasets.Dataset.from_list(examples) if examples else datasets.Dataset.from_dict({})
    if cached is not None:
        dataset.save_to_disk(str(cached))
        (cached / "stats.json").write_text(json.dumps({"split_words": split_words, "windows": len(examples)}))
    return dataset


def collate(features: Sequence[dict], pad_id: int) -> dict:
    """Pad a batch of examples into tensors; pairs are flattened with their row index."""
    import torch

    length = max(len(f["input_ids"]) for f in features)
    input_ids = np.full((len(features), length), pad_id, dtype=np.int64)
    attention = np.zeros((len(features), length), dtype=np.int64)
    labels = np.full((len(features), length), IGNORE, dtype=np.int64)
    pair_batch, pair_fields = [], {k: [] for k in ("pair_heads", "pair_tails", "pair_head_types",
                                                    "pair_tail_types", "pair_labels")}
    for row, feature in enumerate(features):
        n = len(feature["input_ids"])
        input_ids[row, :n] = feature["input_ids"]
        attention[row, :n] = 1
        labels[row, :n] = feature["labels"]
        pair_batch.extend([row] * len(feature["pair_labels"]))
        for key, values in pair_fields.items():
            values.extend(feature[key])
    batch = {
        "input_ids": torch.from_numpy(input_ids),
        "attention_mask": torch.from_numpy(attention),
        "labels": torch.from_numpy(labels),
        "weights": torch.tensor([f["weight"] for f in features], dtype=torch.float32),
        "pair_batch": torch.tensor(pair_batch, dtype=torch.long),
    }
    batch.update({key: torch.tensor(values, dtype=torch.long) for key, values in pair_fields.items()})
    return batch


def split_dev(docs: Sequence[Document], fraction: float, seed: int) -> tuple[list[Document], list[Document]]:
    """A seeded split of documents into (train, dev); dev gets ``round(fraction·n)`` documents, at least 1
    when ``fraction`` > 0 and there are two or more documents."""
    if fraction <= 0 or len(docs) < 2:
        return list(docs), []
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    n_dev = min(len(docs) - 1, max(1, round(fraction * len(docs))))
    dev_ids = set(order[:n_dev])
    return [d for i, d in enumerate(docs) if i not in dev_ids], [d for i, d in enumerate(docs) if i in dev_ids]
