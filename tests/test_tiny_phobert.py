"""The tiny PhoBERT: PhoBERT-format files that transformers' Auto classes load, built deterministically."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import SEEDS, TINY_VOCAB_SIZE
from vner.model.subwords import encode_words, load_tokenizer

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tiny_phobert = pytest.importorskip("vner.training.tiny_phobert")


def test_auto_classes_load_a_phobert(tiny_phobert_dir: Path):
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_phobert_dir)
    model = transformers.AutoModel.from_pretrained(tiny_phobert_dir)
    assert isinstance(tokenizer, transformers.PhobertTokenizer)
    assert isinstance(model, transformers.RobertaModel)
    config = model.config
    assert config.model_type == "roberta" and config.tokenizer_class == "PhobertTokenizer"
    assert config.vocab_size == len(tokenizer) == tokenizer.mask_token_id + 1
    assert config.max_position_embeddings == 258 and tokenizer.model_max_length == 256
    assert (config.bos_token_id, config.pad_token_id, config.eos_token_id) == (0, 1, 2)
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (
        0,
        1,
        2,
        3,
    )
    assert config.type_vocab_size == 1
    assert (config.hidden_size, config.num_hidden_layers, config.num_attention_heads) == (64, 2, 2)
    assert config.intermediate_size == 128


def test_forward_pass_on_tokenizer_output(tiny_phobert_dir: Path, seed_sentences):
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_phobert_dir)
    model = transformers.AutoModel.from_pretrained(tiny_phobert_dir).eval()
    texts = [" ".join(words) for words in seed_sentences[:4]]
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    assert hidden.shape == (4, batch["input_ids"].shape[1], 64)
    assert torch.isfinite(hidden).all()
    # The longest sequence PhoBERT takes (256 ids) fits its position table.
    longest = torch.full((1, 256), 5)
    assert model(input_ids=longest).last_hidden_state.shape == (1, 256, 64)


def test_fast_tokenizer_is_saved_and_matches(tiny_phobert_dir: Path, seed_sentences):
    assert (tiny_phobert_dir / "tokenizer.json").is_file()
    slow = transformers.AutoTokenizer.from_pretrained(tiny_phobert_dir)
    fast = load_tokenizer(tiny_phobert_dir)
    for words in seed_sentences[:30]:
        assert encode_words(fast, words)[0] == slow(" ".join(words))["input_ids"]


def test_file_formats(tiny_phobert_dir: Path):
    vocab_lines = (tiny_phobert_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    tokens = [line.rsplit(" ", 1)[0] for line in vocab_lines]
    counts = [int(line.rsplit(" ", 1)[1]) for line in vocab_lines]
    assert not {"<s>", "<pad>", "</s>", "<unk>", "<mask>"} & set(tokens)
    assert len(set(tokens)) == len(tokens)
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 1
    assert any(t.endswith("@@") for t in tokens) and not any("</w>" in t for t in tokens)
    merges = [line.split(" ") for line in (tiny_phobert_dir / "bpe.codes").read_text(encoding="utf-8").splitlines()]
    assert merges and all(len(m) == 3 and int(m[2]) >= 1 for m in merges)


def test_vocab_size_bounds_symbols(tmp_path: Path, seed_sentences):
    tiny_phobert.learn_phobert_bpe(seed_sentences, tmp_path, vocab_size=300)
    merges = (tmp_path / "bpe.codes").read_text(encoding="utf-8").splitlines()
    alphabet = {c for words in seed_sentences for w in words for c in [*w[:-1], w[-1] + "</w>"]}
    assert len(alphabet) + len(merges) == 300


def test_empty_corpus_is_an_error(tmp_path: Path):
    with pytest.raises(ValueError):
        tiny_phobert.learn_phobert_bpe([[], []], tmp_path)


def test_same_seed_same_files(tiny_phobert_dir: Path, tmp_path: Path, seed_sentences):
    again = tiny_phobert.build_tiny_phobert(seed_sentences, tmp_path / "again", vocab_size=TINY_VOCAB_SIZE)
    names = sorted(p.name for p in tiny_phobert_dir.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (tiny_phobert_dir / name).read_bytes() == (again / name).read_bytes(), name
    other = tiny_phobert.build_tiny_phobert(seed_sentences, tmp_path / "other", vocab_size=TINY_VOCAB_SIZE, seed=1)
    assert (other / "vocab.txt").read_bytes() == (again / "vocab.txt").read_bytes()
    assert (other / "model.safetensors").read_bytes() != (again / "model.safetensors").read_bytes()


def test_command_line_on_a_jsonl_corpus(tmp_path: Path):
    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as handle:
        for i, text in enumerate(tiny_phobert.read_texts(SEEDS)):
            handle.write(json.dumps({"id": str(i), "title": "", "text": text}, ensure_ascii=False) + "\n")
    tiny_phobert.main(["--corpus", str(corpus), "--output", str(tmp_path / "model"), "--vocab-size", "500"])
    assert transformers.AutoModel.from_pretrained(tmp_path / "model").config.vocab_size > 5
    assert (tmp_path / "model" / "tokenizer.json").is_file()


def test_excluded_articles_are_left_out_of_a_corpus(tmp_path: Path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": f"Bài {i}."}) + "\n" for i in ("a", "b", "c")),
                      encoding="utf-8")
    assert list(tiny_phobert.read_texts(corpus, exclude_ids={"b"})) == ["Bài a.", "Bài c."]
    seeds = sorted(SEEDS.glob("*.txt"))
    kept = list(tiny_phobert.read_texts(SEEDS, exclude_ids={seeds[0].stem}))
    assert kept == [path.read_text(encoding="utf-8") for path in seeds[1:]]
    assert len(tiny_phobert.segment_corpora([corpus], exclude_ids={"a", "b", "c"})) == 0
