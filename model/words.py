"""Words: Vietnamese word segmentation with character offsets.

PhoBERT was pre-trained on word-segmented text (``Bùi_Văn_Khắng``), so the words
here are what the subword tokenizer sees. Each word is a character span of the
(normalised) text; its PhoBERT form joins its syllables with ``_``.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Callable, Iterable

Span = tuple[int, int]
SEGMENTERS = ("pyvi", "underthesea")
DEFAULT_SEGMENTER = "pyvi"

log = logging.getLogger(__name__)
_WHITESPACE = re.compile(r"\s+")


@cache
def _backend(name: str) -> Callable[[str], list[str]]:
    """The segmenter ``name`` as a function from a sentence to its words (syllables space-separated)."""
    if name == "underthesea":
        from underthesea import word_tokenize

        # use_token_normalize=False: the segmenter must not change characters we align to.
        return lambda sentence: word_tokenize(sentence, use_token_normalize=False)
    if name == "pyvi":
        from pyvi import ViTokenizer

        return lambda sentence: [w.replace("_", " ") for w in ViTokenizer.tokenize(sentence).split()]
    raise ValueError(f"unknown segmenter {name!r} (choose from {', '.join(SEGMENTERS)})")


def align_tokens(text: str, tokens: Iterable[str], offset: int = 0) -> list[Span]:
    """Character spans of ``tokens`` in ``text``, matching non-space characters in order.

    Segmenters may add or drop white space ("x😀y" → ``["x", "😀 y"]``), so only
    non-space characters are matched; a character the segmenter changed still
    takes its place. Spans are shifted by ``offset``.
    """
    spans: list[Span] = []
    pos = 0
    for token in tokens:
        chars = [ch for ch in token if not ch.isspace()]
        if not chars:
            continue
        start = end = -1
        for ch in chars:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                break
            if text[pos] != ch:
                log.debug("segmenter changed %r to %r at %d", text[pos], ch, offset + pos)
            if start < 0:
                start = pos
            pos += 1
            end = pos
        if start >= 0:
            spans.append((offset + start, offset + end))
    # Anything the segmenter dropped at the end becomes words of its own.
    rest = text[pos:]
    spans.extend((offset + pos + m.start(), offset + pos + m.end()) for m in re.finditer(r"\S+", rest))
    return spans


def segment_sentence(text: str, span: Span, segmenter: str = DEFAULT_SEGMENTER) -> list[Span]:
    """Word spans of the sentence ``text[span[0]:span[1]]``, as offsets into ``text``."""
    start, end = span
    sentence = text[start:end]
    return align_tokens(sentence, _backend(segmenter)(sentence), offset=start)


def split_at(text: str, words: list[Span], cuts: Iterable[int]) -> tuple[list[Span], int]:
    """Split words of ``text`` at every cut offset that falls strictly inside one.

    Returns the new word list and how many words were split: an entity boundary
    inside a segmented word must not be lost, and the count is reported.
    White space at the new edges is trimmed off.
    """
    cut_list = sorted(set(cuts))
    result: list[Span] = []
    split_count = 0
    for start, end in words:
        inner = [c for c in cut_list if start < c < end]
        if not inner:
            result.append((start, end))
            continue
        split_count += 1
        edges = [start, *inner, end]
        for a, b in zip(edges, edges[1:]):
            piece = text[a:b]
            a, b = a + len(piece) - len(piece.lstrip()), b - (len(piece) - len(piece.rstrip()))
            if a < b:
                result.append((a, b))
    return result, split_count


def word_form(text: str, span: Span) -> str:
    """The PhoBERT form of a word: its syllables joined by ``_`` (``Bùi_Văn_Khắng``)."""
    return _WHITESPACE.sub("_", text[span[0] : span[1]])
