"""Scoring with hand-computed answers: exact-span entities, seqeval strict IOB2, relations."""

import pytest

from conftest import mention
from vner.model.document import Document, Relation
from vner.training.evaluate import seqeval_report
from vner.training.metrics import score_documents

TEXT = "Tỉnh Quảng Ninh và TP Hải Phòng hợp tác. Ông Bùi Văn Khắng dự họp."


def doc(entities, relations=()):
    return Document("d1", TEXT, list(entities), list(relations))


GOLD = doc(
    [
        mention(TEXT, "T1", "LOC", "Tỉnh Quảng Ninh"),
        mention(TEXT, "T2", "LOC", "TP Hải Phòng"),
        mention(TEXT, "T3", "PER", "Bùi Văn Khắng"),
    ],
    [Relation("cooperates_with", "T1", "T2")],
)


def test_exact_span_entity_scores():
    predicted = doc(
        [
            mention(TEXT, "A", "LOC", "Quảng Ninh"),  # wrong span: one FP and the gold one is a FN
            mention(TEXT, "B", "LOC", "TP Hải Phòng"),  # right
            mention(TEXT, "C", "ORG", "Bùi Văn Khắng"),  # wrong type: FP for ORG, FN for PER
        ]
    )
    entities = score_documents([GOLD], [predicted])["entities"]
    assert (entities.micro.tp, entities.micro.fp, entities.micro.fn) == (1, 2, 2)
    assert entities.micro.precision == pytest.approx(1 / 3)
    assert entities.micro.recall == pytest.approx(1 / 3)
    assert entities.per_type["LOC"].f1 == pytest.approx(0.5)  # P 1/2, R 1/2
    assert entities.per_type["PER"].f1 == 0.0 and entities.per_type["ORG"].precision == 0.0


def test_cooperates_with_counts_in_either_order_but_other_relations_do_not():
    reversed_pair = doc(GOLD.entities, [Relation("cooperates_with", "T2", "T1")])
    relations = score_documents([GOLD], [reversed_pair])["relations"]
    assert (relations.micro.tp, relations.micro.fp, relations.micro.fn) == (1, 0, 0)

    gold = doc(GOLD.entities, [Relation("located_in", "T1", "T2")])
    flipped = doc(GOLD.entities, [Relation("located_in", "T2", "T1")])
    relations = score_documents([gold], [flipped])["relations"]
    assert (relations.micro.tp, relations.micro.fp, relations.micro.fn) == (0, 1, 1)


def test_relation_needs_both_spans_and_types_right():
    predicted = doc(
        [mention(TEXT, "A", "LOC", "Quảng Ninh"), mention(TEXT, "B", "LOC", "TP Hải Phòng")],
        [Relation("cooperates_with", "A", "B")],
    )
    relations = score_documents([GOLD], [predicted])["relations"]
    assert (relations.micro.tp, relations.micro.fp, relations.micro.fn) == (0, 1, 1)
    assert relations.micro.f1 == 0.0


def test_micro_over_documents_and_missing_predictions():
    other = Document("d2", TEXT, [mention(TEXT, "T1", "PER", "Bùi Văn Khắng")], [])
    reports = score_documents([GOLD, other], [GOLD])  # d2 not predicted: its entity is a FN
    micro = reports["entities"].micro
    assert (micro.tp, micro.fp, micro.fn) == (3, 0, 1)
    assert micro.recall == pytest.approx(0.75)
    with pytest.raises(ValueError, match="not in the gold"):
        score_documents([GOLD], [Document("zz", TEXT)])


def test_seqeval_strict_mode():
    predicted = doc(
        [
            mention(TEXT, "A", "LOC", "Tỉnh Quảng Ninh"),  # right
            mention(TEXT, "B", "LOC", "Hải Phòng"),  # too short: strict mode counts it wrong
            mention(TEXT, "C", "PER", "Bùi Văn Khắng"),  # right
        ]
    )
    report = seqeval_report([GOLD], [predicted], "pyvi")
    assert report["LOC"]["precision"] == pytest.approx(0.5)
    assert report["LOC"]["recall"] == pytest.approx(0.5)
    assert report["PER"]["f1-score"] == pytest.approx(1.0)
    assert report["micro avg"]["f1-score"] == pytest.approx(2 / 3)
    assert report["untaggable_gold"] == 0
