import re

import pytest

from conftest import SHARED
from vner.model import schema
from vner.model.document import Document, relation_key


def test_six_entity_types_and_iob2_tags():
    assert [t.value for t in schema.ENTITY_TYPES] == ["PER", "ORG", "LOC", "POS", "DOC", "DATE"]
    assert schema.BIO_TAGS[0] == "O"
    assert len(schema.BIO_TAGS) == 1 + 2 * 6
    assert len(set(schema.BIO_TAGS)) == len(schema.BIO_TAGS)


def test_relation_signatures_match_the_guide():
    """Parse the guide's relation table and compare it with the schema."""
    guide = (SHARED / "ANNOTATION_GUIDE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| ([A-Za-z ]+?) (?:→|↔) ([A-Za-z ]+?) \|", guide, flags=re.M)
    parsed = {
        name: (set(re.findall(r"[A-Z]+", heads)), set(re.findall(r"[A-Z]+", tails)))
        for name, heads, tails in rows
        if name != "type"  # the table's header row
    }
    assert set(parsed) == {r.value for r in schema.RELATION_TYPES}
    for rel, sig in schema.RELATION_SIGNATURES.items():
        heads, tails = parsed[rel.value]
        assert {t.value for t in sig.heads} == heads, rel
        assert {t.value for t in sig.tails} == tails, rel
    assert [r for r, s in schema.RELATION_SIGNATURES.items() if s.symmetric] == [
        schema.RelationType.COOPERATES_WITH
    ]


def test_allowed_relations():
    E, R = schema.EntityType, schema.RelationType
    assert schema.allowed_relations(E.PER, E.POS) == (R.HAS_POSITION,)
    assert set(schema.allowed_relations(E.ORG, E.LOC)) == {R.LOCATED_IN, R.COOPERATES_WITH}
    assert schema.allowed_relations(E.DATE, E.PER) == ()


def test_unknown_names_are_rejected_with_the_allowed_list():
    with pytest.raises(ValueError, match="allowed: PER"):
        schema.entity_type("PERSON")
    with pytest.raises(ValueError, match="has_position"):
        schema.relation_type("works_for")


def test_schema_check_names_the_difference():
    recorded = schema.schema_dict()
    schema.check_schema(recorded)
    recorded["entity_types"] = ["PER"]
    with pytest.raises(ValueError, match="entity_types"):
        schema.check_schema(recorded)


def test_document_json_round_trip(small_doc):
    small_doc.meta["title"] = "Tiêu đề"
    small_doc.entities[0].score = 0.9
    again = Document.from_json(small_doc.to_json())
    assert again == small_doc
    assert again.to_dict()["title"] == "Tiêu đề"


def test_document_requires_id_and_text():
    with pytest.raises(ValueError, match="text"):
        Document.from_dict({"id": "x"})


def test_relation_key_is_symmetric_for_cooperates_with(small_doc):
    from vner.model.document import Relation

    forward = relation_key(small_doc, Relation("cooperates_with", "T2", "T4"))
    backward = relation_key(small_doc, Relation("cooperates_with", "T4", "T2"))
    assert forward == backward
    assert relation_key(small_doc, Relation("issued", "T2", "T4")) != relation_key(
        small_doc, Relation("issued", "T4", "T2")
    )
