"""The text pipeline end to end: caller's text → words → windows of subwords, and back to spans.

Shared by training, evaluation and serving, so what is scored is what users get::

    raw text → normalise → sentences → words → subwords → windows ≤ 256
    word tags (model output) → spans on the normalised text → spans on the raw text
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from vner.model.bio import bio_tags, spans_from_bio
from vner.model.document import Entity
from vner.model.normalize import NormalizedText, normalize
from vner.model.schema import EntityType
from vner.model.text import split_sentences
from vner.model.words import DEFAULT_SEGMENTER, segment_sentence, split_at, word_form

Span = tuple[int, int]
#: PhoBERT's position limit is 258 (256 + 2 offset); 256 subwords per window, specials included.
MAX_WINDOW = 256
#: Subwords shared by two windows that split one over-long sentence.
WINDOW_OVERLAP = 32
#: Text between two same-type spans that makes them one mention. Gold never has two mentions of one
#: type apart by only a space or a slash (none in the 341 seed and 343 held-out mentions: lists take a
#: comma or "và"), while a tagger that restarts with ``B-`` inside a name ("Tập Cận | Bình", "11 / 5")
#: produces exactly that.
FRAGMENT_GAP = re.compile(r"[ /]?")
#: Head words of companies. The guide keeps a state or party body's place inside its ORG ("Sở Công
#: Thương Long An") but makes a place written after a company a separate LOC, its locator ("Công ty CP
#: TM Mộc Hóa" + "tỉnh Long An").
COMPANY_HEADS: tuple[str, ...] = (
    "Tổng công ty", "Tổng Công ty", "Cty", "Công ty cổ phần", "Công ty Cổ phần", "Công ty TNHH", "Công ty",
    "Tập đoàn", "Ngân hàng Thương mại cổ phần", "Ngân hàng TMCP", "Ngân hàng", "Hợp tác xã", "HTX", "Nhà máy",
    "Doanh nghiệp tư nhân",
)


@dataclass(frozen=True)
class PreparedText:
    """A text cut into sentences and words, every offset on the normalised text."""

    normalized: NormalizedText
    sentences: list[Span]
    words: list[Span]
    word_sentence: list[int]
    split_words: int = 0  # words split at a given boundary (entity edges inside a word)

    @property
    def text(self) -> str:
        return self.normalized.text

    def word_forms(self) -> list[str]:
        """The words as PhoBERT reads them (syllables joined by ``_``)."""
        return [word_form(self.text, span) for span in self.words]


def prepare_text(text: str, segmenter: str = DEFAULT_SEGMENTER, cuts: Sequence[int] = ()) -> PreparedText:
    """Normalise, split into sentences and segment into words.

    ``cuts`` are offsets on the *original* text where a word must end (gold entity
    edges in training); words are split there and the splits counted.
    """
    normalized = normalize(text)
    sentences = split_sentences(normalized.text)
    norm_cuts = [normalized.from_original(c, c)[0] for c in cuts]
    words: list[Span] = []
    word_sentence: list[int] = []
    split_count = 0
    for index, span in enumerate(sentences):
        sentence_words = segment_sentence(normalized.text, span, segmenter)
        if norm_cuts:
            sentence_words, count = split_at(normalized.text, sentence_words, norm_cuts)
            split_count += count
        words.extend(sentence_words)
        word_sentence.extend([index] * len(sentence_words))
    return PreparedText(normalized, sentences, words, word_sentence, split_count)


@dataclass(frozen=True)
class Window:
    """One model input: the words ``[word_start, word_end)`` of a text as subwords.

    ``word_ids[i]`` is the text-level word index of subword ``i`` (None for
    ``<s>``/``</s>``). The window's predictions count for the words
    ``[own_start, own_end)`` only, so overlapping windows never duplicate a span.
    """

    word_start: int
    word_end: int
    own_start: int
    own_end: int
    input_ids: list[int] = field(repr=False)
    word_ids: list[int | None] = field(repr=False)

    def first_subwords(self) -> dict[int, int]:
        """Word index → position of its first subword in this window."""
        first: dict[int, int] = {}
        for position, word in enumerate(self.word_ids):
            if word is not None and word not in first:
                first[word] = position
        return first


def _chunks(lengths: Sequence[int], start: int, end: int, budget: int, overlap: int) -> list[Span]:
    """Cut words ``[start, end)`` into chunks of at most ``budget`` subwords, overlapping by ~``overlap``."""
    chunks: list[Span] = []
    chunk_start = start
    while True:
        total, chunk_end = 0, chunk_start
        while chunk_end < end and (chunk_end == chunk_start or total + lengths[chunk_end] <= budget):
            total += lengths[chunk_end]
            chunk_end += 1
        chunks.append((chunk_start, chunk_end))
        if chunk_end >= end:
            return chunks
        back, shared = chunk_end, 0
        while back - 1 > chunk_start and shared + lengths[back - 1] <= overlap:
            back -= 1
            shared += lengths[back]
        chunk_start = back


def make_windows(
    word_subwords: Sequence[Sequence[int]],
    word_sentence: Sequence[int],
    *,
    bos_id: int,
    eos_id: int,
    max_length: int = MAX_WINDOW,
    overlap: int = WINDOW_OVERLAP,
) -> list[Window]:
    """Pack whole sentences into windows of at most ``max_length`` subwords.

    A sentence longer than a window is split on word edges into overlapping
    chunks; each word is owned by exactly one window (the middle of an overlap
    is the hand-over point). A single word longer than a window keeps only its
    first subwords (its first subword is the one that is labelled).
    """
    budget = max_length - 2
    pieces = [list(ids[:budget]) for ids in word_subwords]
    lengths = [len(ids) for ids in pieces]

    sentence_ranges: list[Span] = []
    for index, sentence in enumerate(word_sentence):
        if sentence_ranges and word_sentence[index - 1] == sentence:
            sentence_ranges[-1] = (sentence_ranges[-1][0], index + 1)
        else:
            sentence_ranges.append((index, index + 1))

    # Word ranges, each within budget: packed runs of sentences, or chunks of one long sentence.
    ranges: list[tuple[int, int, int, int]] = []  # word_start, word_end, own_start, own_end
    run_start, run_total = None, 0
    for start, end in sentence_ranges:
        size = sum(lengths[start:end])
        if run_start is not None and run_total + size > budget:
            ranges.append((run_start, start, run_start, start))
            run_start, run_total = None, 0
        if size > budget:
            chunks = _chunks(lengths, start, end, budget, overlap)
            hand_over = [(next_start + this_end) // 2 for (_, this_end), (next_start, _) in zip(chunks, chunks[1:])]
            owners = [start, *hand_over, end]
            ranges.extend((s, e, owners[k], owners[k + 1]) for k, (s, e) in enumerate(chunks))
            continue
        if run_start is None:
            run_start = start
        run_total += size
    if run_start is not None:
        ranges.append((run_start, len(pieces), run_start, len(pieces)))

    windows = []
    for word_start, word_end, own_start, own_end in ranges:
        input_ids, word_ids = [bos_id], [None]
        for word in range(word_start, word_end):
            input_ids.extend(pieces[word])
            word_ids.extend([word] * lengths[word])
        input_ids.append(eos_id)
        word_ids.append(None)
        windows.append(Window(word_start, word_end, own_start, own_end, input_ids, word_ids))
    return windows


def word_tags(prepared: PreparedText, entities: Sequence[Entity]) -> list[str]:
    """IOB2 tag of every word for entities given on the *original* text."""
    mapped = []
    for ent in entities:
        start, end = prepared.normalized.from_original(ent.start, ent.end)
        mapped.append(Entity(ent.id, ent.type, start, end, ent.text))
    return bio_tags(prepared.words, mapped)


def _continues(left_type: str, left_text: str, right_type: str, gap: str) -> bool:
    """Whether a span of ``right_type`` after ``gap`` belongs to the mention ``left_text`` before it.

    Two spans of one type apart by :data:`FRAGMENT_GAP` are one mention; so is a body's ORG and the
    LOC right after it, one space apart ("Sở Công Thương | Long An", "UBND | huyện X"), unless the
    body is a company (:data:`COMPANY_HEADS`), whose place is a locator.
    """
    if left_type == right_type:
        return FRAGMENT_GAP.fullmatch(gap) is not None
    return (left_type == EntityType.ORG and right_type == EntityType.LOC and gap == " "
            and not left_text.startswith(COMPANY_HEADS))


def _join_fragments(prepared: PreparedText, spans: list[tuple[str, int, int]]) -> list[tuple[str, list[int]]]:
    """Spans as ``(type, word indices)``, the fragments of one mention joined (see :func:`_continues`);
    the joined mention keeps its first fragment's type."""
    text = prepared.normalized.text
    joined: list[tuple[str, list[int]]] = []
    for ent_type, first, last in spans:
        if joined:
            left_type, left_words = joined[-1]
            left_start, left_end = prepared.words[left_words[0]][0], prepared.words[left_words[-1]][1]
            if _continues(left_type, text[left_start:left_end], ent_type,
                          text[left_end:prepared.words[first][0]]):
                left_words.extend(range(first, last))
                continue
        joined.append((ent_type, list(range(first, last))))
    return joined


def entities_from_word_tags(
    prepared: PreparedText, tags: Sequence[str], scores: Sequence[float] | None = None,
    join_fragments: bool = False,
) -> list[Entity]:
    """Entities on the *original* text from one IOB2 tag per word.

    Spans never cross a sentence edge; a stray ``I-`` starts a span (strict
    repair). With ``join_fragments`` (model output, not gold tags, which must
    round-trip exactly), fragments of one mention are joined (see
    :data:`FRAGMENT_GAP`). An entity's score is the mean of its words' scores.
    """
    entities: list[Entity] = []
    original = prepared.normalized.original
    sentence_start = 0
    for index in range(1, len(tags) + 1):
        if index < len(tags) and prepared.word_sentence[index] == prepared.word_sentence[sentence_start]:
            continue
        spans = [(t, first + sentence_start, last + sentence_start)
                 for t, first, last in spans_from_bio(tags[sentence_start:index])]
        grouped = (_join_fragments(prepared, spans) if join_fragments
                   else [(t, list(range(first, last))) for t, first, last in spans])
        for ent_type, words in grouped:
            start, end = prepared.normalized.to_original(prepared.words[words[0]][0], prepared.words[words[-1]][1])
            score = sum(scores[i] for i in words) / len(words) if scores is not None else None
            entities.append(Entity(f"T{len(entities) + 1}", ent_type, start, end, original[start:end], score))
        sentence_start = index
    return entities
