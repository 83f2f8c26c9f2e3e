"""The seeds: the five articles byte for byte, and their gold annotations valid and complete."""

from collections import Counter

from conftest import SEEDS, SHARED
from vner.model.schema import ENTITY_TYPES
from vner.model.validate import validate_file


def test_articles_are_the_shared_seeds_byte_for_byte():
    ours = sorted(p.name for p in SEEDS.glob("*.txt"))
    theirs = sorted(p.name for p in (SHARED / "seeds").glob("*.txt"))
    assert ours == theirs and len(ours) == 5
    for name in ours:
        assert (SEEDS / name).read_bytes() == (SHARED / "seeds" / name).read_bytes()


def test_gold_validates():
    assert [str(p) for p in validate_file(SEEDS / "gold.jsonl")] == []


def test_gold_covers_all_five_articles_with_their_exact_text(gold_docs):
    assert sorted(d.id for d in gold_docs) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for doc in gold_docs:
        assert doc.text == (SEEDS / f"{doc.id}.txt").read_text(encoding="utf-8")
        assert doc.entities and doc.relations


def test_gold_uses_every_entity_type(gold_docs):
    counts = Counter(e.type for d in gold_docs for e in d.entities)
    assert set(counts) == {t.value for t in ENTITY_TYPES}


def test_gold_is_what_the_annotation_sources_build():
    """gold.jsonl is generated from seeds/annotations by seeds/build_gold.py, never edited by hand."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_gold", SEEDS / "build_gold.py")
    build_gold = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_gold)
    from vner.model.document import read_jsonl

    for doc in read_jsonl(SEEDS / "gold.jsonl"):
        lines = (SEEDS / "annotations" / f"{doc.id}.tsv").read_text(encoding="utf-8").splitlines()
        assert build_gold.build_document(doc.id, doc.text, lines) == doc
