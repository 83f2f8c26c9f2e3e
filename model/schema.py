"""The label schema: the one place that names entity types, BIO tags and relations.

Everything here follows ``ANNOTATION_GUIDE.md``. Other modules refer to labels
through these objects (``EntityType.PER``, ``RelationType.ISSUED`` …) and never
spell a type name themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping

SCHEMA_VERSION = "1"


class EntityType(str, Enum):
    """The six entity types of the guide."""

    PER = "PER"  # a person's name
    ORG = "ORG"  # a specific organisation
    LOC = "LOC"  # a place, with its unit word
    POS = "POS"  # a position or title
    DOC = "DOC"  # a legal/administrative document with a number or code
    DATE = "DATE"  # an explicit calendar date, month, year or period

    def __str__(self) -> str:
        return self.value


class RelationType(str, Enum):
    """The seven relation types of the guide."""

    HAS_POSITION = "has_position"
    AFFILIATED_WITH = "affiliated_with"
    LOCATED_IN = "located_in"
    PART_OF = "part_of"
    ISSUED = "issued"
    DATED = "dated"
    COOPERATES_WITH = "cooperates_with"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class RelationSignature:
    """Which entity types a relation may join, and whether its direction matters."""

    heads: frozenset[EntityType]
    tails: frozenset[EntityType]
    symmetric: bool = False

    def allows(self, head: EntityType, tail: EntityType) -> bool:
        return head in self.heads and tail in self.tails


_E = EntityType
RELATION_SIGNATURES: Mapping[RelationType, RelationSignature] = {
    RelationType.HAS_POSITION: RelationSignature(frozenset({_E.PER}), frozenset({_E.POS})),
    RelationType.AFFILIATED_WITH: RelationSignature(frozenset({_E.PER}), frozenset({_E.ORG})),
    RelationType.LOCATED_IN: RelationSignature(frozenset({_E.ORG, _E.LOC}), frozenset({_E.LOC})),
    RelationType.PART_OF: RelationSignature(frozenset({_E.ORG}), frozenset({_E.ORG})),
    RelationType.ISSUED: RelationSignature(frozenset({_E.ORG}), frozenset({_E.DOC})),
    RelationType.DATED: RelationSignature(frozenset({_E.DOC}), frozenset({_E.DATE})),
    RelationType.COOPERATES_WITH: RelationSignature(
        frozenset({_E.ORG, _E.LOC}), frozenset({_E.ORG, _E.LOC}), symmetric=True
    ),
}

ENTITY_TYPES: tuple[EntityType, ...] = tuple(EntityType)
#: Types whose mentions may be common lower-case words (a title: ``bác sĩ``, ``chủ tịch``). A mention of
#: any other type names something specific, so it holds a capital letter or a digit (``tỉnh Quảng Ninh``,
#: ``năm 2030``); a bare ``tỉnh`` or ``năm`` is a generic noun, which the guide leaves out.
LOWER_CASE_TYPES: frozenset[EntityType] = frozenset({EntityType.POS})
RELATION_TYPES: tuple[RelationType, ...] = tuple(RelationType)

OUTSIDE_TAG = "O"
BEGIN_PREFIX = "B-"
INSIDE_PREFIX = "I-"
#: The IOB2 tag set, ``O`` first, then ``B-``/``I-`` for each type in schema order.
BIO_TAGS: tuple[str, ...] = (OUTSIDE_TAG,) + tuple(
    prefix + t.value for t in ENTITY_TYPES for prefix in (BEGIN_PREFIX, INSIDE_PREFIX)
)
#: Relation classifier labels: the seven types and, last, "no relation".
NO_RELATION = "none"
RELATION_LABELS: tuple[str, ...] = tuple(r.value for r in RELATION_TYPES) + (NO_RELATION,)


def entity_type(name: str) -> EntityType:
    """Parse an entity type name; raise ``ValueError`` naming the allowed ones."""
    try:
        return EntityType(name)
    except ValueError:
        allowed = ", ".join(t.value for t in ENTITY_TYPES)
        raise ValueError(f"unknown entity type {name!r} (allowed: {allowed})") from None


def relation_type(name: str) -> RelationType:
    """Parse a relation type name; raise ``ValueError`` naming the allowed ones."""
    try:
        return RelationType(name)
    except ValueError:
        allowed = ", ".join(r.value for r in RELATION_TYPES)
        raise ValueError(f"unknown relation type {name!r} (allowed: {allowed})") from None


def is_allowed(relation: RelationType, head: EntityType, tail: EntityType) -> bool:
    """Whether ``relation`` may join a ``head`` entity to a ``tail`` entity."""
    return RELATION_SIGNATURES[relation].allows(head, tail)


def allowed_relations(head: EntityType, tail: EntityType) -> tuple[RelationType, ...]:
    """Every relation type that may go from ``head`` to ``tail``."""
    return tuple(r for r in RELATION_TYPES if is_allowed(r, head, tail))


def schema_dict() -> dict:
    """The schema as plain JSON data, recorded in every model directory."""
    return {
        "version": SCHEMA_VERSION,
        "entity_types": [t.value for t in ENTITY_TYPES],
        "bio_tags": list(BIO_TAGS),
        "relation_types": {
            r.value: {
                "heads": sorted(t.value for t in sig.heads),
                "tails": sorted(t.value for t in sig.tails),
                "symmetric": sig.symmetric,
            }
            for r, sig in RELATION_SIGNATURES.items()
        },
    }


def check_schema(recorded: dict) -> None:
    """Raise ``ValueError`` when a model's recorded schema differs from this one."""
    current = schema_dict()
    if recorded != current:
        diffs = [k for k in current if recorded.get(k) != current[k]]
        raise ValueError(
            "the model was trained with a different label schema "
            f"(differs in: {', '.join(diffs) or 'keys'}); retrain it with this vner version"
        )
