"""Decoding model outputs into entities and relations: numpy only, shared by evaluation and serving.

A model is two functions, however it runs (torch in training, onnxruntime in serving):

- ``encode(input_ids, attention_mask) -> (tag_logits, hidden)`` over a padded batch
  of windows, ``[B, L, tags]`` and ``[B, L, H]``;
- ``score_pairs(head_vectors, tail_vectors, head_types, tail_types) -> logits``
  over candidate entity pairs, ``[N, relation labels]``.

:func:`predict_texts` runs the whole path for a batch of texts. A model whose config asks for
``rules`` also runs the rule-based labeller (:mod:`vner.model.rules`) and keeps its annotation,
adding the model's where the rules are silent (:func:`merge_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from tokenizers import Tokenizer

from vner.model.document import Document, Entity, Relation
from vner.model.pipeline import PreparedText, Window, entities_from_word_tags, make_windows, prepare_text
from vner.model.schema import (
    BIO_TAGS,
    ENTITY_TYPES,
    INSIDE_PREFIX,
    LOWER_CASE_TYPES,
    NO_RELATION,
    OUTSIDE_TAG,
    RELATION_LABELS,
    RELATION_SIGNATURES,
    RelationType,
    is_allowed,
)
from vner.model.subwords import BOS, EOS, SPECIAL_IDS, encode_words

EncodeFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
ScorePairsFn = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
WordSubwordsFn = Callable[[Sequence[str]], list[list[int]]]
#: Rules run beside a model: text → a document with offsets on that text.
RulesFn = Callable[[str], Document]

#: With rules, a model entity is added where no rule entity overlaps it, and a model relation
#: between two entities the rules leave unrelated, from this score on. Chosen on the 38 development
#: articles by the sum of entity and relation F1 (0.8 from the fifth session; 0.5 in the fourteenth,
#: 1.604 against 1.601: entities level, relations +0.004, within noise either way; kept in the fifteenth,
#: where no other setting gained the 0.010 its rule asked for: 0.9, +0.008).
RULES_MIN_SCORE = 0.5

ENTITY_TYPE_IDS = {t.value: i for i, t in enumerate(ENTITY_TYPES)}
_NONE_ID = RELATION_LABELS.index(NO_RELATION)
# For each (head type, tail type): which relation labels may be predicted (none always may).
_ALLOWED_LABELS = np.array(
    [
        [
            [label == NO_RELATION or is_allowed(RelationType(label), head, tail) for label in RELATION_LABELS]
            for tail in ENTITY_TYPES
        ]
        for head in ENTITY_TYPES
    ]
)
# Whether any relation type may join a head type to a tail type.
_JOINABLE = _ALLOWED_LABELS.sum(axis=-1) > 1
_SYMMETRIC = {r.value for r, sig in RELATION_SIGNATURES.items() if sig.symmetric}


def _inside_follows(previous: str, tag: str) -> bool:
    """Whether IOB2 allows ``tag`` right after ``previous``: an ``I-X`` only continues an ``X``."""
    return not tag.startswith(INSIDE_PREFIX) or (previous != OUTSIDE_TAG and previous[2:] == tag[2:])


# Log-weights of tag transitions (previous → next) and of a sentence's first tag: 0 or -inf.
_TRANSITIONS = np.array([[0.0 if _inside_follows(p, t) else -np.inf for t in BIO_TAGS] for p in BIO_TAGS])
_STARTS = np.array([-np.inf if t.startswith(INSIDE_PREFIX) else 0.0 for t in BIO_TAGS])


@dataclass
class EncodedText:
    """A text ready for the model: words and the windows that cover them."""

    prepared: PreparedText
    windows: list[Window]


def encode_text(text: str, tokenizer: Tokenizer, *, segmenter: str, max_length: int,
                cuts: Sequence[int] = ()) -> EncodedText:
    """Normalise, segment, tokenise and window one text for PhoBERT; words end at ``cuts`` (offsets)."""
    prepared = prepare_text(text, segmenter, cuts)
    if not prepared.words:
        return EncodedText(prepared, [])
    windows = make_windows(word_subword_ids(tokenizer, prepared.word_forms()), prepared.word_sentence,
                           bos_id=SPECIAL_IDS[BOS], eos_id=SPECIAL_IDS[EOS], max_length=max_length)
    return EncodedText(prepared, windows)


def word_subword_ids(tokenizer: Tokenizer, forms: Sequence[str]) -> list[list[int]]:
    """PhoBERT subword ids of each word form (no ``<s>``/``</s>``)."""
    ids, word_ids = encode_words(tokenizer, forms)
    pieces: list[list[int]] = [[] for _ in forms]
    for token_id, word in zip(ids, word_ids):
        if word is not None:
            pieces[word].append(token_id)
    return pieces


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=axis, keepdims=True)


def pad_batch(windows: Sequence[Window], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` of windows, right-padded to the longest."""
    length = max(len(w.input_ids) for w in windows)
    ids = np.full((len(windows), length), pad_id, dtype=np.int64)
    mask = np.zeros((len(windows), length), dtype=np.int64)
    for row, window in enumerate(windows):
        ids[row, : len(window.input_ids)] = window.input_ids
        mask[row, : len(window.input_ids)] = 1
    return ids, mask


#: Windows per model call in serving. One: INT8 dynamic quantisation scales activations over the whole
#: batch, so with more a window's result would depend on its neighbours and their padding. On 2 cores
#: batching buys at most about a tenth in speed (benchmarks/batch_size.py).
DEFAULT_BATCH_SIZE = 1


def run_windows(
    windows: Sequence[Window], encode: EncodeFn, pad_id: int, batch_size: int = DEFAULT_BATCH_SIZE
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(tag_logits [L, T], hidden [L, H])`` of each window, unpadded.

    Windows are batched in order of length so that padding stays small.
    """
    outputs: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    for begin in range(0, len(order), batch_size):
        rows = order[begin : begin + batch_size]
        ids, mask = pad_batch([windows[i] for i in rows], pad_id)
        tag_logits, hidden = encode(ids, mask)
        for row, index in enumerate(rows):
            length = len(windows[index].input_ids)
            outputs[index] = (tag_logits[row, :length], hidden[row, :length])
    return outputs  # type: ignore[return-value]


def best_tag_path(log_probs: np.ndarray) -> list[int]:
    """The most probable valid IOB2 tag sequence of one sentence (Viterbi), as tag ids.

    ``log_probs`` is ``[words, tags]``. Valid: no ``I-X`` first or after anything but
    ``B-X``/``I-X``. Unlike a per-word argmax with repair, a tagger unsure between
    ``I-ORG`` and ``O`` inside a long name keeps the name whole when that is likelier.
    """
    if not len(log_probs):
        return []
    greedy = log_probs.argmax(axis=1)
    if np.isfinite(_STARTS[greedy[0]]) and np.isfinite(_TRANSITIONS[greedy[:-1], greedy[1:]]).all():
        return greedy.tolist()  # the unconstrained best is valid, hence the best valid path
    score = _STARTS + log_probs[0]
    backpointers = np.zeros(log_probs.shape, dtype=np.int64)
    for word in range(1, len(log_probs)):
        candidates = score[:, None] + _TRANSITIONS
        backpointers[word] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probs[word]
    path = [int(score.argmax())]
    for word in range(len(log_probs) - 1, 0, -1):
        path.append(int(backpointers[word, path[-1]]))
    return path[::-1]


def decode_tags(
    encoded: EncodedText, outputs: Sequence[tuple[np.ndarray, np.ndarray]]
) -> tuple[list[str], list[float]]:
    """One tag and its probability per word: the best valid IOB2 path of each sentence.

    A word's tag probabilities are read at its first subword in its owning window
    (a word no window holds is ``O``).
    """
    prepared = encoded.prepared
    probs = np.zeros((len(prepared.words), len(BIO_TAGS)))
    probs[:, BIO_TAGS.index(OUTSIDE_TAG)] = 1.0
    for window, (tag_logits, _) in zip(encoded.windows, outputs):
        first = window.first_subwords()
        owned = [w for w in range(window.own_start, window.own_end) if w in first]
        if owned:
            probs[owned] = softmax(tag_logits[[first[w] for w in owned]])
    log_probs = np.log(np.maximum(probs, np.finfo(np.float64).tiny))
    tags: list[str] = []
    scores: list[float] = []
    start = 0
    for end in range(1, len(prepared.words) + 1):
        if end < len(prepared.words) and prepared.word_sentence[end] == prepared.word_sentence[start]:
            continue
        for word, tag_id in enumerate(best_tag_path(log_probs[start:end]), start):
            tags.append(BIO_TAGS[tag_id])
            scores.append(float(probs[word, tag_id]))
        start = end
    return tags, scores


def entity_words(prepared: PreparedText, entities: Sequence[Entity]) -> list[int]:
    """The index of the first word of each entity (entities on the original text)."""
    starts = [prepared.normalized.to_original(s, e)[0] for s, e in prepared.words]
    index = {start: i for i, start in enumerate(starts)}
    return [index[ent.start] for ent in entities]


def candidate_pairs(
    entity_types: Sequence[str], first_words: Sequence[int], word_sentence: Sequence[int]
) -> list[tuple[int, int]]:
    """Ordered entity pairs of one sentence that some relation type may join."""
    by_sentence: dict[int, list[int]] = {}
    for index, word in enumerate(first_words):
        by_sentence.setdefault(word_sentence[word], []).append(index)
    pairs = []
    for members in by_sentence.values():
        for head in members:
            head_type = ENTITY_TYPE_IDS[entity_types[head]]
            for tail in members:
                if head != tail and _JOINABLE[head_type, ENTITY_TYPE_IDS[entity_types[tail]]]:
                    pairs.append((head, tail))
    return sorted(pairs)


def owning_windows(windows: Sequence[Window]) -> dict[int, int]:
    """Word index → index of the window that owns it."""
    return {word: index for index, w in enumerate(windows) for word in range(w.own_start, w.own_end)}


def decode_relations(
    encoded: EncodedText,
    outputs: Sequence[tuple[np.ndarray, np.ndarray]],
    entities: Sequence[Entity],
    score_pairs: ScorePairsFn,
) -> list[Relation]:
    """Relations among ``entities``: every candidate pair scored once, disallowed labels masked."""
    if len(entities) < 2:
        return []
    first_words = entity_words(encoded.prepared, entities)
    types = [ent.type for ent in entities]
    owner = owning_windows(encoded.windows)
    firsts: dict[int, dict[int, int]] = {}
    pairs, heads, tails = [], [], []
    for head, tail in candidate_pairs(types, first_words, encoded.prepared.word_sentence):
        index = owner.get(first_words[head])
        window = encoded.windows[index] if index is not None else None
        if window is None or not window.word_start <= first_words[tail] < window.word_end:
            continue
        if index not in firsts:
            firsts[index] = window.first_subwords()
        first = firsts[index]
        hidden = outputs[index][1]
        pairs.append((head, tail))
        heads.append(hidden[first[first_words[head]]])
        tails.append(hidden[first[first_words[tail]]])
    if not pairs:
        return []
    head_types = np.array([ENTITY_TYPE_IDS[types[h]] for h, _ in pairs], dtype=np.int64)
    tail_types = np.array([ENTITY_TYPE_IDS[types[t]] for _, t in pairs], dtype=np.int64)
    logits = score_pairs(np.stack(heads), np.stack(tails), head_types, tail_types)
    logits = np.where(_ALLOWED_LABELS[head_types, tail_types], logits, -np.inf)
    probs = softmax(logits)
    labels = probs.argmax(axis=-1)

    best: dict[tuple, Relation] = {}
    for (head, tail), label, prob in zip(pairs, labels, probs.max(axis=-1)):
        if label == _NONE_ID:
            continue
        name = RELATION_LABELS[int(label)]
        if name in _SYMMETRIC:  # store once, head = the earlier mention; keep the surer direction
            head, tail = sorted((head, tail), key=lambda i: entities[i].start)
        key = (name, head, tail)
        if key not in best or best[key].score < prob:
            best[key] = Relation(name, entities[head].id, entities[tail].id, float(prob))
    return sorted(best.values(), key=lambda r: (r.head, r.tail, r.type))


def uses_rules(info: dict, override: bool | None = None) -> bool:
    """Whether the rules run beside a model: ``override`` when given, else the ``rules`` of its
    config's ``vner`` section ``info`` (off when absent)."""
    return bool(info.get("rules", False)) if override is None else override


def rules_function(enabled: bool) -> RulesFn | None:
    """The rule-based labeller's :func:`~vner.model.rules.annotate` when ``enabled`` (the rules load only then)."""
    if not enabled:
        return None
    from vner.model.rules import annotate

    return annotate


def entity_edges(entities: Sequence[Entity]) -> list[int]:
    """Start and end offsets of ``entities``: where words must end so that each is whole words."""
    return sorted({offset for ent in entities for offset in (ent.start, ent.end)})


def names_something(entity: Entity) -> bool:
    """Whether a predicted mention can be one by the guide: it holds a capital letter or a digit, or its
    type may be lower-case words (:data:`~vner.model.schema.LOWER_CASE_TYPES`).

    The tagger learns unit words as the start of a name (``tỉnh`` of ``tỉnh Quảng Ninh``, ``năm`` of
    ``năm 2030``) and sometimes tags them where no name follows: ``lãnh đạo [huyện]``, ``là [năm] đầu``.
    """
    return entity.type in LOWER_CASE_TYPES or any(c.isupper() or c.isdigit() for c in entity.text)


def named_mentions(entities: Sequence[Entity]) -> list[Entity]:
    """The ``entities`` that :func:`names_something`, renumbered ``T1…`` in their order."""
    kept = [e for e in entities if names_something(e)]
    return [Entity(f"T{number}", e.type, e.start, e.end, e.text, e.score) for number, e in enumerate(kept, 1)]


def merge_rules(rules: Document, entities: Sequence[Entity], min_score: float = RULES_MIN_SCORE
                ) -> tuple[list[Entity], list[Relation]]:
    """The rules' entities, plus the model ``entities`` of score ≥ ``min_score`` that overlap none.

    Returns the merged entities, in text order and renumbered ``T1…``, and the rules' relations
    on the new ids. The rules are precise where they speak; the model fills what they miss.
    """
    added = [e for e in entities
             if (e.score or 0.0) >= min_score and not any(e.start < r.end and r.start < e.end for r in rules.entities)]
    tagged = sorted([(e, True) for e in rules.entities] + [(e, False) for e in added], key=lambda p: p[0].start)
    merged, renamed = [], {}
    for number, (ent, from_rules) in enumerate(tagged, 1):
        merged.append(Entity(f"T{number}", ent.type, ent.start, ent.end, ent.text, ent.score))
        if from_rules:
            renamed[ent.id] = merged[-1].id
    relations = [Relation(r.type, renamed[r.head], renamed[r.tail], r.score) for r in rules.relations]
    return merged, relations


def add_relations(relations: Sequence[Relation], candidates: Sequence[Relation], min_score: float = RULES_MIN_SCORE
                  ) -> list[Relation]:
    """``relations``, plus each candidate of score ≥ ``min_score`` between two entities they leave unrelated."""
    linked = {frozenset((r.head, r.tail)) for r in relations}
    out = list(relations)
    for rel in candidates:
        pair = frozenset((rel.head, rel.tail))
        if (rel.score or 0.0) >= min_score and pair not in linked:
            out.append(rel)
            linked.add(pair)
    return sorted(out, key=lambda r: (r.head, r.tail, r.type))


def decode_batch(
    encoded: Sequence[EncodedText],
    texts: Sequence[str],
    *,
    encode: EncodeFn,
    score_pairs: ScorePairsFn,
    pad_id: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rules: Sequence[Document] | None = None,
    rules_min_score: float = RULES_MIN_SCORE,
) -> list[Document]:
    """Run the model over the windows of all ``encoded`` texts at once and decode each text.

    With ``rules`` (one document per text, offsets on it, its entities' edges among the word
    edges), the rules' annotation is kept and the model's added from ``rules_min_score`` on
    (:func:`merge_rules`; the relation head scores every pair of the merged entities). Entities and relations carry
    offsets on the caller's strings; document ids are left empty.
    """
    all_windows = [w for enc in encoded for w in enc.windows]
    all_outputs = run_windows(all_windows, encode, pad_id, batch_size) if all_windows else []
    documents, cursor = [], 0
    for index, (text, enc) in enumerate(zip(texts, encoded)):
        outputs = all_outputs[cursor : cursor + len(enc.windows)]
        cursor += len(enc.windows)
        tags, scores = decode_tags(enc, outputs)
        entities = named_mentions(entities_from_word_tags(enc.prepared, tags, scores, join_fragments=True))
        if rules is None:
            relations = decode_relations(enc, outputs, entities, score_pairs)
        else:
            entities, rule_relations = merge_rules(rules[index], entities, rules_min_score)
            relations = add_relations(rule_relations, decode_relations(enc, outputs, entities, score_pairs),
                                      rules_min_score)
        documents.append(Document(id="", text=text, entities=entities, relations=relations))
    return documents


def predict_texts(
    texts: Sequence[str],
    tokenizer: Tokenizer,
    *,
    segmenter: str,
    max_length: int,
    encode: EncodeFn,
    score_pairs: ScorePairsFn,
    pad_id: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rules: RulesFn | None = None,
    rules_min_score: float = RULES_MIN_SCORE,
) -> list[Document]:
    """The whole path for a batch of texts: (rules →) encode → model → decode (→ merge)."""
    annotated = [rules(text) for text in texts] if rules is not None else None
    encoded = [encode_text(text, tokenizer, segmenter=segmenter, max_length=max_length,
                           cuts=entity_edges(annotated[i].entities) if annotated else ())
               for i, text in enumerate(texts)]
    return decode_batch(encoded, texts, encode=encode, score_pairs=score_pairs, pad_id=pad_id,
                        batch_size=batch_size, rules=annotated, rules_min_score=rules_min_score)
