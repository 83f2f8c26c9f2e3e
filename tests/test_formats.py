"""Conversion round trips: JSONL → CoNLL → JSONL and JSONL → BRAT → JSONL, without loss."""

from conftest import SEEDS
from vner.cli import main
from vner.model.document import read_jsonl, write_jsonl
from vner.model.formats import read_brat, read_conll, spans_from_bio, write_brat, write_conll


def test_conll_round_trip_on_seeds(tmp_path, gold_docs):
    path = tmp_path / "gold.conll"
    write_conll(gold_docs, path)
    assert list(read_conll(path)) == gold_docs


def test_brat_round_trip_on_seeds(tmp_path, gold_docs):
    write_brat(gold_docs, tmp_path / "brat")
    assert list(read_brat(tmp_path / "brat")) == gold_docs
    for doc in gold_docs:  # the text files are the articles byte for byte
        assert (tmp_path / "brat" / f"{doc.id}.txt").read_bytes() == (SEEDS / f"{doc.id}.txt").read_bytes()


def test_cli_convert_chain(tmp_path):
    conll, brat, back = tmp_path / "g.conll", tmp_path / "brat", tmp_path / "back.jsonl"
    assert main(["convert", str(SEEDS / "gold.jsonl"), "-o", str(conll)]) == 0
    assert main(["convert", str(conll), "-o", str(brat)]) == 0
    assert main(["convert", str(brat), "-o", str(back)]) == 0
    assert list(read_jsonl(back)) == list(read_jsonl(SEEDS / "gold.jsonl"))


def test_conll_lines_are_word_tag_pairs(tmp_path, small_doc):
    path = tmp_path / "one.conll"
    write_jsonl([small_doc], tmp_path / "one.jsonl")
    write_conll([small_doc], path)
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    assert rows[0][0] == "Phó" and rows[0][3] == "B-POS"
    assert rows[1][0] == "Chủ" and rows[1][3] == "I-POS"
    assert [r[3] for r in rows if r[0] == "Khắng"] == ["I-PER"]


def test_strict_bio_repair_starts_a_span_at_a_stray_inside_tag():
    tags = ["I-PER", "I-PER", "O", "B-ORG", "I-LOC", "I-LOC", "B-DATE"]
    assert spans_from_bio(tags) == [("PER", 0, 2), ("ORG", 3, 4), ("LOC", 4, 6), ("DATE", 6, 7)]


def test_unknown_format_is_a_clear_error(tmp_path, capsys):
    assert main(["convert", str(SEEDS / "gold.jsonl"), "-o", str(tmp_path / "x.csv")]) == 1
    assert "cannot tell the format" in capsys.readouterr().err
