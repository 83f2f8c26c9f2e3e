"""Normalisation with an offset map: the first step of the text pipeline.

Callers hand us NFC, NFD or mixed Unicode, HTML entities, non-breaking spaces,
zero-width characters and CRLF. The models see clean NFC text; every span found
on it is mapped back so that ``original[start:end]`` is the mention exactly as
the caller wrote it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterator

# Units of the original text that normalise as one piece: an HTML entity, CRLF, or one character.
_UNIT = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|\r\n|.", re.S)
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_SPACES = frozenset("\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u202f\u205f\u3000")
_LINE_BREAKS = frozenset("\r\u2028\u2029\x85\x0b\x0c")
# Any of these in a text means the slow path is needed.
_SPECIAL = re.compile("[&\r" + "".join(_ZERO_WIDTH | _SPACES | _LINE_BREAKS) + "]")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text and, per character, the original span it came from.

    ``starts[i]:ends[i]`` is the piece of the original string that produced
    character ``i`` of ``text`` (several characters may share one piece).
    """

    text: str
    original: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty span of ``text`` to the span of ``original`` it came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}-{end} is outside the normalised text (length {len(self.text)})")
        return self.starts[start], self.ends[end - 1]

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``original`` to the normalised characters that lie wholly inside it.

        Returns an empty span ``(i, i)`` when the original span produced no character.
        """
        first = bisect_left(self.starts, start)
        last = bisect_right(self.ends, end)
        return first, max(first, last)


def _replace_char(unit: str) -> str:
    if unit == "\r\n" or unit in _LINE_BREAKS:
        return "\n"
    if unit in _SPACES:
        return " "
    if unit in _ZERO_WIDTH:
        return ""
    return unit


def _units(original: str) -> Iterator[tuple[str, int, int]]:
    """``(replacement, start, end)`` for each unit of the original text."""
    for match in _UNIT.finditer(original):
        unit, start = match.group(), match.start()
        if len(unit) > 2 and unit.startswith("&"):
            decoded = html.unescape(unit)
            if decoded == unit:  # not an entity HTML knows: plain characters
                for i, ch in enumerate(unit):
                    yield _replace_char(ch), start + i, start + i + 1
            else:
                yield "".join(_replace_char(ch) for ch in decoded), start, match.end()
        else:
            yield _replace_char(unit), start, match.end()


def normalize(original: str) -> NormalizedText:
    """NFC text for the models, with an exact map back to ``original``.

    >>> norm = normalize("Ha\\u0300 N\\u00f4\\u0323i&nbsp;2024")
    >>> norm.text
    'Hà Nội 2024'
    >>> s, e = norm.to_original(0, 6)
    >>> original = "Ha\\u0300 N\\u00f4\\u0323i&nbsp;2024"; original[s:e] == "Ha\\u0300 N\\u00f4\\u0323i"
    True
    """
    if unicodedata.is_normalized("NFC", original) and not _SPECIAL.search(original):
        offsets = tuple(range(len(original)))
        return NormalizedText(original, original, offsets, tuple(o + 1 for o in offsets))

    # Group units into clusters: a unit that starts with a non-combining character,
    # then every following unit made only of combining marks. NFC never crosses a
    # cluster edge, so each cluster maps to one original span.
    clusters: list[tuple[str, int, int]] = []
    for piece, start, end in _units(original):
        if not piece:
            continue
        if clusters and all(unicodedata.combining(ch) for ch in piece):
            text, cluster_start, _ = clusters[-1]
            clusters[-1] = (text + piece, cluster_start, end)
        else:
            clusters.append((piece, start, end))

    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for piece, start, end in clusters:
        composed = unicodedata.normalize("NFC", piece)
        chars.append(composed)
        starts.extend([start] * len(composed))
        ends.extend([end] * len(composed))
    return NormalizedText("".join(chars), original, tuple(starts), tuple(ends))
