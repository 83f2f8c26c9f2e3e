"""Sentences: the first step after normalisation in the text pipeline.

Functions return character spans ``(start, end)`` into the text they were given,
so offsets survive every later step.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Tokens that end with a period but do not end a sentence ("TP. Hải Phòng", "PGS. TS. Lan").
_ABBREVIATIONS = frozenset(
    "tp tx tt q p ts ths pgs gs bs ks ls th ng st mr mrs ms dr no sđd tr vs v.v".split()
)
# A sentence ends at . ! ? … (possibly repeated, possibly closed by a quote or bracket)
# followed by white space and a character that can open a sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[\-–]?[\dA-ZÀ-Ỹ])")
# The word before final punctuation, without an opening bracket or quote ("(TP." gives "TP").
_LAST_TOKEN = re.compile(r"[\"'“‘(\[]*(\S+?)[.!?…]+[\"'”’)\]]*$")


def _is_abbreviation(word: str) -> bool:
    """Whether a word before a period leaves the sentence open: a known abbreviation ("TP. Hội An"), or a
    single capital letter, a name's initial ("Michael W. Michalak", "V. Putin"); a sentence rarely ends on
    one letter."""
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _line_spans(text: str) -> list[Span]:
    spans, start = [], 0
    for match in re.finditer(r"\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans.

    Every line break ends a sentence (news text puts titles, captions and bylines
    on lines of their own); within a line, a sentence ends at final punctuation
    followed by a capital letter or digit, unless the word before it is a known
    abbreviation (bracketed or not) or an initial. Spans hold no leading or trailing white space.

    >>> text = "Ngày 14/8, TP. Hải Phòng họp. Bí thư phát biểu."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Ngày 14/8, TP. Hải Phòng họp.', 'Bí thư phát biểu.']
    """
    spans: list[Span] = []
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        start = 0
        for match in _BOUNDARY.finditer(line):
            token = _LAST_TOKEN.search(line, 0, match.end())
            if token and _is_abbreviation(token.group(1)):
                continue
            span = _trim(text, line_start + start, line_start + match.end())
            if span:
                spans.append(span)
            start = match.end()
        span = _trim(text, line_start + start, line_end)
        if span:
            spans.append(span)
    return spans


def sentence_index(sentences: list[Span], offset: int) -> int:
    """Index of the sentence containing character ``offset``, or -1."""
    for i, (start, end) in enumerate(sentences):
        if start <= offset < end:
            return i
    return -1
