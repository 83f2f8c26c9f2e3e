"""Shared fixtures: paths of the repository, the seeds and the shared data beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vner.model.document import Document, Entity, Relation, read_jsonl

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def gold_docs() -> list[Document]:
    return list(read_jsonl(SEEDS / "gold.jsonl"))


@pytest.fixture
def small_doc() -> Document:
    """A hand-made document with every kind of annotation."""
    text = "Phó Chủ tịch UBND tỉnh Bùi Văn Khắng ký Kế hoạch số 195/KH-UBND ngày 19/8/2019. Hết."
    def ent(eid: str, etype: str, mention: str) -> Entity:
        start = text.index(mention)
        return Entity(eid, etype, start, start + len(mention), mention)

    return Document(
        id="doc1",
        text=text,
        entities=[
            ent("T1", "POS", "Phó Chủ tịch"),
            ent("T2", "ORG", "UBND tỉnh"),
            ent("T3", "PER", "Bùi Văn Khắng"),
            ent("T4", "DOC", "Kế hoạch số 195/KH-UBND"),
            ent("T5", "DATE", "ngày 19/8/2019"),
        ],
        relations=[
            Relation("has_position", "T3", "T1"),
            Relation("affiliated_with", "T3", "T2"),
            Relation("issued", "T2", "T4"),
            Relation("dated", "T4", "T5"),
        ],
    )
