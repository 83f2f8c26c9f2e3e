"""IOB2 tags: from spans over tokens, and back with strict repair."""

from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

from vner.model.document import Entity
from vner.model.schema import BEGIN_PREFIX, INSIDE_PREFIX, OUTSIDE_TAG

Span = tuple[int, int]


def bio_tags(spans: Sequence[Span], entities: Sequence[Entity]) -> list[str]:
    """IOB2 tag of each token span (sorted by start); an entity tags the tokens it covers."""
    tags = [OUTSIDE_TAG] * len(spans)
    starts = [start for start, _ in spans]
    for ent in entities:
        i = bisect_left(starts, ent.start)
        prefix = BEGIN_PREFIX
        while i < len(spans) and spans[i][1] <= ent.end:
            tags[i] = prefix + ent.type
            prefix = INSIDE_PREFIX
            i += 1
    return tags


def spans_from_bio(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Token-index spans ``(type, first, last + 1)`` from IOB2 tags.

    Strict repair: an ``I-`` that does not continue a span of its type starts one.
    """
    found: list[tuple[str, int, int]] = []
    current: list | None = None
    for i, tag in enumerate(tags):
        if tag.startswith(INSIDE_PREFIX) and current and current[0] == tag[len(INSIDE_PREFIX):]:
            current[2] = i + 1
            continue
        if current:
            found.append(tuple(current))  # type: ignore[arg-type]
            current = None
        if tag.startswith((BEGIN_PREFIX, INSIDE_PREFIX)):
            current = [tag[2:], i, i + 1]
    if current:
        found.append(tuple(current))  # type: ignore[arg-type]
    return found
