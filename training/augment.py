"""Silver augmentation: some mentions lose the cue word the weak labeller found them by.

The labeller finds most places and companies by their head word (``tỉnh Quảng Ninh``,
``Tập đoàn Hilton``), so a model trained on its labels learns the cue more than the name, and
misses the later bare mentions of the same name (``Hilton``, ``Marawi``), which the guide types
all the same. Dropping the cue from a share of silver mentions, text and span together, gives the
model bare names in the same contexts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from vner.model.document import Document, Entity
from vner.model.gazetteers import ADMIN_UNITS
from vner.model.pipeline import COMPANY_HEADS
from vner.model.schema import EntityType

#: Head words dropped from a mention of each type, longest first; what is left must still be of that
#: type and start with a capital (``tỉnh Quảng Ninh`` → ``Quảng Ninh``, not ``quận 3`` → ``3``).
CUE_WORDS: Mapping[str, Sequence[str]] = {
    EntityType.LOC.value: tuple(sorted(ADMIN_UNITS, key=len, reverse=True)),
    EntityType.ORG.value: tuple(sorted(COMPANY_HEADS, key=len, reverse=True)),
}


def mention_cue(entity: Entity) -> str | None:
    """The cue word that opens ``entity`` (with its following space), when dropping it leaves a name."""
    for cue in CUE_WORDS.get(entity.type, ()):
        rest = entity.text[len(cue) + 1:]
        if entity.text.startswith(cue + " ") and rest[:1].isupper():
            return cue + " "
    return None


def drop_cues(doc: Document, rate: float, seed: int) -> Document:
    """``doc`` with each mention that has a cue (:func:`mention_cue`) losing it with probability
    ``rate``: a new document whose text is cut to match, every later offset shifted with it (``doc``
    itself when no cue is dropped).

    Seeded per document, so the same silver gives the same training text on every run.
    """
    if rate <= 0 or not doc.entities:
        return doc
    rng = random.Random(f"{seed}:{doc.id}")
    cuts = []  # (start, length) of each dropped cue, in text order
    for entity in sorted(doc.entities, key=lambda e: e.start):
        cue = mention_cue(entity)
        if cue is not None and rng.random() < rate:
            cuts.append((entity.start, len(cue)))
    if not cuts:
        return doc

    def shifted(offset: int) -> int:
        # Offsets inside a dropped cue (a mention's start) land where the cue was.
        return offset - sum(min(length, max(0, offset - start)) for start, length in cuts)

    text = doc.text
    for start, length in reversed(cuts):
        text = text[:start] + text[start + length:]
    entities = []
    for entity in doc.entities:
        start, end = shifted(entity.start), shifted(entity.end)
        entities.append(Entity(entity.id, entity.type, start, end, text[start:end], entity.score))
    return Document(doc.id, text, entities, doc.relations, meta=doc.meta)
