"""The seeds: the five articles byte for byte, and their gold annotations valid and complete."""

from collections import Counter

import pytest

from conftest import REPO, SEEDS, SHARED
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


def load_build_gold():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_gold", SEEDS / "build_gold.py")
    build_gold = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_gold)
    return build_gold


def test_gold_is_what_the_annotation_sources_build():
    """gold.jsonl is generated from seeds/annotations by seeds/build_gold.py, never edited by hand."""
    from vner.model.document import read_jsonl

    build_gold = load_build_gold()
    for doc in read_jsonl(SEEDS / "gold.jsonl"):
        lines = (SEEDS / "annotations" / f"{doc.id}.tsv").read_text(encoding="utf-8").splitlines()
        assert build_gold.build_document(doc.id, doc.text, lines) == doc


# The hand-annotated sets under heldout/: folder, the shared news file their texts come from, articles.
HELDOUT_SETS = [
    ("annotations", "news_gov_unlabeled.jsonl.gz", 6),
    ("feed", "news_mixed_feed.jsonl.gz", 6),
    ("dev", "news_mixed_feed.jsonl.gz", 12),
    ("feed2", "news_mixed_feed.jsonl.gz", 30),
    ("dev2", "news_mixed_feed.jsonl.gz", 26),
]


# Every hand-annotated set of shared-news articles: its folder, the news files its texts come from, articles.
ANNOTATED_SETS = [(REPO / "heldout" / folder, (texts,), articles) for folder, texts, articles in HELDOUT_SETS] + [
    (SEEDS / "news", ("news_gov_unlabeled.jsonl.gz", "news_mixed_feed.jsonl.gz"), 18),
]


@pytest.mark.parametrize(("folder", "texts", "articles"), ANNOTATED_SETS, ids=lambda v: getattr(v, "name", None))
def test_annotated_news_builds_and_validates(folder, texts, articles):
    """Every mention list of an annotated news set finds its mentions in the shared text, and the result
    validates."""
    from vner.model.document import read_jsonl
    from vner.model.validate import check_document

    build_gold = load_build_gold()
    sources = sorted(folder.glob("*.tsv"))
    wanted = {p.stem for p in sources}
    docs = {d.id: d for name in texts for d in read_jsonl(SHARED / "data" / name) if d.id in wanted}
    assert len(sources) == articles and set(docs) == wanted
    for source in sources:
        doc = build_gold.build_document(source.stem, docs[source.stem].text,
                                        source.read_text(encoding="utf-8").splitlines())
        assert doc.entities and check_document(doc) == []


def test_news_gold_is_no_heldout_article():
    """seeds/news is training gold (data.extra_gold): none of its articles is held out."""
    from vner.training.config import load_config

    news_gold = {p.stem for p in (SEEDS / "news").glob("*.tsv")}
    assert len(news_gold) == 18
    assert not news_gold & set(load_config(REPO / "configs" / "default.yaml").data.exclude_ids)


def word_shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_default_model_never_trains_on_a_heldout_article_or_a_near_copy_of_one():
    """configs/default.yaml leaves out of its silver every held-out and dev article, and every article
    of the shared news that shares more than a fifth of the shorter one's 8-word runs with one of them
    (the crawl holds reposts of the same story)."""
    from vner.model.document import read_jsonl
    from vner.training.config import load_config

    excluded = set(load_config(REPO / "configs" / "default.yaml").data.exclude_ids)
    heldout = {p.stem for folder, _, _ in HELDOUT_SETS for p in (REPO / "heldout" / folder).glob("*.tsv")}
    assert heldout <= excluded
    news = [doc for name in sorted({texts for _, texts, _ in HELDOUT_SETS})
            for doc in read_jsonl(SHARED / "data" / name)]
    shingles = {doc.id: word_shingles(doc.text) for doc in news if doc.id in heldout}
    copies = set()
    for doc in news:
        if doc.id in excluded:
            continue
        own = word_shingles(doc.text)
        for heldout_id, theirs in shingles.items():
            if own and len(own & theirs) > 0.2 * min(len(own), len(theirs)):
                copies.add((doc.id, heldout_id))
    assert copies == set()
