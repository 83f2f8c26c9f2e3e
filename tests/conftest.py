"""Shared fixtures: paths of the repository, the seeds and the shared data beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vner.model.document import Document, Entity, Relation, read_jsonl

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


def mention(text: str, eid: str, etype: str, words: str, nth: int = 0) -> Entity:
    """The entity ``eid`` of type ``etype`` on the ``nth`` (0-based) occurrence of ``words`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Entity(eid, etype, start, start + len(words), words)


@pytest.fixture(scope="session")
def gold_docs() -> list[Document]:
    return list(read_jsonl(SEEDS / "gold.jsonl"))


@pytest.fixture
def small_doc() -> Document:
    """A hand-made document with every kind of annotation."""
    text = "Phó Chủ tịch UBND tỉnh Bùi Văn Khắng ký Kế hoạch số 195/KH-UBND ngày 19/8/2019. Hết."
    return Document(
        id="doc1",
        text=text,
        entities=[
            mention(text, "T1", "POS", "Phó Chủ tịch"),
            mention(text, "T2", "ORG", "UBND tỉnh"),
            mention(text, "T3", "PER", "Bùi Văn Khắng"),
            mention(text, "T4", "DOC", "Kế hoạch số 195/KH-UBND"),
            mention(text, "T5", "DATE", "ngày 19/8/2019"),
        ],
        relations=[
            Relation("has_position", "T3", "T1"),
            Relation("affiliated_with", "T3", "T2"),
            Relation("issued", "T2", "T4"),
            Relation("dated", "T4", "T5"),
        ],
    )


TINY_VOCAB_SIZE = 1000


@pytest.fixture(scope="session")
def seed_sentences() -> list[list[str]]:
    """Every sentence of the seed articles, word-segmented (syllables joined by ``_``)."""
    from vner.training.tiny_phobert import read_texts, segment_sentences

    return [words for text in read_texts(SEEDS) for words in segment_sentences(text)]


@pytest.fixture(scope="session")
def tiny_phobert_dir(tmp_path_factory, seed_sentences) -> Path:
    """A tiny PhoBERT (tokenizer files + random RobertaModel) built from the seeds, once per session."""
    # Imported here: only tests that use this fixture need torch and transformers.
    from vner.training.tiny_phobert import build_tiny_phobert

    # 1000 symbols is well below what the seeds could merge into: words split into real subwords.
    return build_tiny_phobert(seed_sentences, tmp_path_factory.mktemp("tiny_phobert"), vocab_size=TINY_VOCAB_SIZE)


def tiny_train_config(encoder: Path, output: Path, **training):
    """A config that trains the tiny PhoBERT on the gold seeds in seconds."""
    from vner.training.config import config_from_dict

    return config_from_dict(
        {
            "model": {"encoder": str(encoder), "max_length": 128},
            "data": {"gold": str(SEEDS / "gold.jsonl"), "dev_fraction": 0.0},
            "training": {"epochs": 1, "batch_size": 8, "learning_rate": 2e-3, "warmup_ratio": 0.0, **training},
            "output": {"dir": str(output)},
        }
    )


@pytest.fixture(scope="session")
def trained_tiny(tiny_phobert_dir, tmp_path_factory) -> tuple[Path, dict]:
    """The tiny PhoBERT fine-tuned for a few epochs on the seeds: (model dir, run summary)."""
    from vner.training.train import train

    output = tmp_path_factory.mktemp("trained")
    return output, train(tiny_train_config(tiny_phobert_dir, output, epochs=6), progress=False)


@pytest.fixture(scope="session")
def exported_tiny(trained_tiny, tmp_path_factory) -> Path:
    """The trained tiny model exported to ONNX (FP32 + INT8) with its parity check."""
    from vner.training.export import export_model

    output = tmp_path_factory.mktemp("exported") / "model"
    export_model(trained_tiny[0], output, parity_data=SEEDS / "gold.jsonl", min_int8_agreement=0.0)
    return output
