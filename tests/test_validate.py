"""`vner validate` catches each kind of error, one test per kind."""

import json
import unicodedata

from vner.cli import main
from vner.model.document import Entity, Relation, write_jsonl
from vner.model.validate import check_document, validate_file


def messages(doc):
    return [f"{p.where}: {p.message}" for p in check_document(doc)]


def test_clean_document_has_no_problem(small_doc):
    assert check_document(small_doc) == []


def test_text_not_nfc(small_doc):
    small_doc.text = unicodedata.normalize("NFD", small_doc.text)
    assert any("NFC" in m for m in messages(small_doc))


def test_offsets_outside_text(small_doc):
    small_doc.entities[4].end = len(small_doc.text) + 5
    assert any("entity T5" in m and "outside the text" in m for m in messages(small_doc))


def test_mention_differs_from_offsets(small_doc):
    small_doc.entities[2].text = "Bùi Văn"
    assert any("entity T3" in m and "differs" in m for m in messages(small_doc))


def test_span_with_trailing_space(small_doc):
    ent = small_doc.entities[2]
    ent.end += 1
    ent.text = small_doc.text[ent.start : ent.end]
    assert any("entity T3" in m and "white space" in m for m in messages(small_doc))


def test_overlapping_entities(small_doc):
    start = small_doc.text.index("tỉnh Bùi")
    small_doc.entities.append(Entity("T6", "LOC", start, start + 4, "tỉnh"))
    assert any("overlaps" in m for m in messages(small_doc))


def test_unknown_entity_type(small_doc):
    small_doc.entities[2].type = "PERSON"
    assert any("entity T3" in m and "unknown entity type 'PERSON'" in m for m in messages(small_doc))


def test_duplicate_entity_id(small_doc):
    small_doc.entities[1].id = "T1"
    assert any("duplicate entity id" in m for m in messages(small_doc))


def test_unknown_relation_type(small_doc):
    small_doc.relations.append(Relation("works_for", "T3", "T2"))
    assert any("unknown relation type 'works_for'" in m for m in messages(small_doc))


def test_relation_end_missing(small_doc):
    small_doc.relations.append(Relation("issued", "T2", "T9"))
    assert any("missing entity T9" in m for m in messages(small_doc))


def test_relation_end_of_disallowed_type(small_doc):
    small_doc.relations.append(Relation("has_position", "T2", "T1"))
    assert any("has_position may not join ORG to POS" in m for m in messages(small_doc))


def test_relation_across_sentences(small_doc):
    start = small_doc.text.index("Hết")
    small_doc.entities.append(Entity("T6", "ORG", start, start + 3, "Hết"))
    small_doc.relations.append(Relation("part_of", "T2", "T6"))
    assert any("different sentences" in m for m in messages(small_doc))


def test_unreadable_line_and_duplicate_doc_id(tmp_path, small_doc):
    path = tmp_path / "docs.jsonl"
    write_jsonl([small_doc, small_doc], path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"id": "no-text"}) + "\n")
    found = [str(p) for p in validate_file(path)]
    assert any("duplicate document id" in m for m in found)
    assert any(m.startswith("line 3: document: unreadable") for m in found)
    assert any(m.startswith("line 4: document: unreadable") and "text" in m for m in found)


def test_cli_exit_codes(tmp_path, small_doc, capsys):
    good = tmp_path / "good.jsonl"
    write_jsonl([small_doc], good)
    assert main(["validate", str(good)]) == 0
    small_doc.entities[0].type = "TITLE"
    bad = tmp_path / "bad.jsonl"
    write_jsonl([small_doc], bad)
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "doc1: entity T1: unknown entity type 'TITLE'" in out
