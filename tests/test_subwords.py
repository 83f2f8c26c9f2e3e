"""The fast PhoBERT tokenizer gives exactly the ids of transformers' slow PhobertTokenizer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from vner.model.subwords import (
    MASK,
    SPECIAL_IDS,
    UNK,
    build_fast_tokenizer,
    encode_words,
    load_tokenizer,
    read_bpe_codes,
    read_phobert_vocab,
    save_tokenizer,
    to_phobert_ids,
)

transformers = pytest.importorskip("transformers")

HOSTILE = [
    "😀 Hà_Nội 🇻🇳 👍🏽",  # emoji, flags, skin-tone modifiers
    "Ω Ωx ΩΩΩ Жжж ∑∫ 〇 ℃ ™",  # characters the vocabulary never saw, alone and whole words of them
    "1234567890 3,14 01/02/2020 0,5% 1.000.000",
    ". , ; : ... !!! ??? -- “ ” « » ( ) [ ] …",
    "a" * 600,
    "Hải_Phòng" * 60,
    "ngày_19/8/2019 Quyết_định_số_195/QĐ-UBND",
    "a@@ @@ @@@ x@@y",  # PhoBERT's own continuation marker inside words
    "a</w>b </w> <w>",  # the end-of-word marker inside words
    "<s> a<mask>b </s> <unk><pad> <mask>",  # special tokens inside the text
    "tab\there nbsp\u00a0here ideographic\u3000space line\u2028sep",
    "x\ny z\n\nw \r\nv",  # PhobertTokenizer keeps a newline that follows a word
    "\x1c\x1dfile\x1eseparators\x1f",  # white space to Python, not to Rust
    "zero\u200bwidth e\u0301 NFD Ǆ ǅ",
    "\x00 \x7f control",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def slow(tiny_phobert_dir: Path):
    return transformers.PhobertTokenizer(str(tiny_phobert_dir / "vocab.txt"), str(tiny_phobert_dir / "bpe.codes"))


@pytest.fixture(scope="module")
def fast(tiny_phobert_dir: Path):
    return load_tokenizer(tiny_phobert_dir)


def slow_ids(slow, text: str, special: bool = True) -> list[int]:
    return slow(text, add_special_tokens=special, verbose=False)["input_ids"]


def assert_same_as_slow(fast, slow, words: list[str]) -> None:
    ids, word_ids = encode_words(fast, words)
    assert ids == slow_ids(slow, " ".join(words))
    assert len(word_ids) == len(ids)
    assert word_ids[0] is None and word_ids[-1] is None
    inner = word_ids[1:-1]
    assert None not in inner and inner == sorted(inner)
    # The pieces of word i are exactly what PhobertTokenizer makes of word i alone.
    for index, word in enumerate(words):
        assert [t for t, w in zip(ids, word_ids) if w == index] == slow_ids(slow, word, special=False)


def test_same_ids_on_every_seed_sentence(fast, slow, seed_sentences):
    assert len(seed_sentences) > 100
    for words in seed_sentences:
        assert_same_as_slow(fast, slow, words)


@pytest.mark.parametrize("text", HOSTILE)
def test_same_ids_on_hostile_text(fast, slow, text):
    assert_same_as_slow(fast, slow, text.split(" "))
    assert to_phobert_ids(fast, fast.encode(text).ids) == slow_ids(slow, text)


def test_pieces_missing_from_vocab_become_unk(fast, slow, tiny_phobert_dir):
    """Merge-only symbols (absent from vocab.txt) left at the end of BPE are <unk> in PhoBERT."""
    vocab = read_phobert_vocab(tiny_phobert_dir / "vocab.txt")
    merged = {a + b for a, b in read_bpe_codes(tiny_phobert_dir / "bpe.codes")}
    # A non-final intermediate symbol followed by a character no merge knows stays unmerged.
    intermediates = sorted(s for s in merged if not s.endswith("</w>") and s + "@@" not in vocab)
    assert intermediates, "the tiny PhoBERT should have merge-only symbols"
    words = [symbol + "Ω" for symbol in intermediates]
    mask_id = fast.token_to_id(MASK)
    assert any(i > mask_id for i in fast.encode(words, is_pretokenized=True).ids)
    assert_same_as_slow(fast, slow, words)


def test_pairs(fast, slow, seed_sentences):
    first, second = (" ".join(words) for words in seed_sentences[:2])
    assert to_phobert_ids(fast, fast.encode(first, second).ids) == slow(first, second)["input_ids"]


def test_text_and_pretokenized_paths_agree(fast, seed_sentences):
    """encode_words encodes the joined text when it can; is_pretokenized=True must give the same."""
    batch = fast.encode_batch(seed_sentences, is_pretokenized=True)
    for words, encoding in zip(seed_sentences, batch):
        assert encode_words(fast, words) == (to_phobert_ids(fast, encoding.ids), encoding.word_ids)


def write_files(directory: Path, vocab: str, codes: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    vocab_path, codes_path = directory / "vocab.txt", directory / "bpe.codes"
    vocab_path.write_text(vocab, encoding="utf-8")
    codes_path.write_text(codes, encoding="utf-8")
    return vocab_path, codes_path


@pytest.mark.parametrize(
    "vocab, codes, texts",
    [
        # A final piece "a@@" is looked up under vocab.txt's "a@@", the non-final "a".
        ("a@@ 5\nb 4\n@ 3\n", "a @ 3\na@ @</w> 2\n", ["a@@", "a@@ b", "ab@@", "@@ @"]),
        # Merge-only symbols ("ab", "abc") must neither collide with each other nor with <unk>.
        ("a@@ 5\nc 4\nabcd 1\n", "a b 3\nab c 2\nabc d</w> 1\nx y 1\n", ["ab", "abc", "abcd", "abΩ", "Ωb xy ΩΩ"]),
        # A repeated merge keeps its last rank; a merge line that is not "a b count" is ignored.
        ("ab@@ 2\nc 2\nbc 2\na@@ 1\n", "b c</w> 9\na b 9\nb c</w> 9\nbad line\n", ["abc", "bc", "ab"]),
        # PhobertTokenizer drops a last line without a newline.
        ("ab 2\na@@ 1\n", "a b</w> 1", ["ab", "a b"]),
    ],
)
def test_edge_cases_of_handmade_files(tmp_path, vocab, codes, texts):
    vocab_path, codes_path = write_files(tmp_path, vocab, codes)
    slow = transformers.PhobertTokenizer(str(vocab_path), str(codes_path))
    fast = build_fast_tokenizer(vocab_path, codes_path)
    for text in texts:
        assert_same_as_slow(fast, slow, text.split(" "))


def test_special_token_ids(fast, slow):
    for token, token_id in SPECIAL_IDS.items():
        assert fast.token_to_id(token) == token_id == slow.convert_tokens_to_ids(token)
    assert fast.token_to_id(MASK) == slow.mask_token_id == len(slow) - 1
    assert encode_words(fast, []) == ([SPECIAL_IDS["<s>"], SPECIAL_IDS["</s>"]], [None, None])


def test_load_prefers_tokenizer_json_and_round_trips(tiny_phobert_dir, tmp_path, seed_sentences):
    rebuilt = build_fast_tokenizer(tiny_phobert_dir / "vocab.txt", tiny_phobert_dir / "bpe.codes")
    saved = save_tokenizer(rebuilt, tmp_path)  # no vocab.txt here: loading must use tokenizer.json
    assert saved == tmp_path / "tokenizer.json"
    loaded = load_tokenizer(tmp_path)
    for words in seed_sentences[:30]:
        assert encode_words(loaded, words) == encode_words(rebuilt, words)


def test_load_builds_from_vocab_and_codes(tiny_phobert_dir, tmp_path, fast, seed_sentences):
    for name in ("vocab.txt", "bpe.codes"):
        (tmp_path / name).write_bytes((tiny_phobert_dir / name).read_bytes())
    built = load_tokenizer(tmp_path)
    assert all(encode_words(built, w) == encode_words(fast, w) for w in seed_sentences[:30])


def test_unreadable_tokenizer_json_falls_back(tiny_phobert_dir, tmp_path, fast, caplog):
    for name in ("vocab.txt", "bpe.codes"):
        (tmp_path / name).write_bytes((tiny_phobert_dir / name).read_bytes())
    (tmp_path / "tokenizer.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="vner.model.subwords"):
        built = load_tokenizer(tmp_path)
    assert "tokenizer.json" in caplog.text
    assert encode_words(built, ["Hải_Phòng"]) == encode_words(fast, ["Hải_Phòng"])


def test_missing_files_raise_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="vocab.txt"):
        load_tokenizer(tmp_path)


def test_non_phobert_tokenizer_json_is_rejected(tmp_path):
    from tokenizers import Tokenizer, models

    Tokenizer(models.BPE(vocab={"a": 0, UNK: 1}, merges=[], unk_token=UNK)).save(str(tmp_path / "tokenizer.json"))
    with pytest.raises(FileNotFoundError):
        load_tokenizer(tmp_path)


def test_malformed_vocab_line_raises(tmp_path):
    vocab_path, codes_path = write_files(tmp_path, "ok 1\nnocount\n", "")
    with pytest.raises(ValueError, match="vocab.txt:2"):
        build_fast_tokenizer(vocab_path, codes_path)


def test_falls_back_to_the_slow_tokenizer_with_a_warning(tiny_phobert_dir, tmp_path, monkeypatch, caplog):
    import shutil

    from vner.model import subwords

    for name in (subwords.VOCAB_FILE, subwords.CODES_FILE):
        shutil.copy(tiny_phobert_dir / name, tmp_path / name)
    fast = subwords.load_tokenizer(tmp_path)

    def refuse(*args):
        raise RuntimeError("cannot build")

    monkeypatch.setattr(subwords, "build_fast_tokenizer", refuse)
    slow = subwords.load_tokenizer(tmp_path)
    assert isinstance(slow, subwords.SlowPhobertTokenizer)
    assert "falling back to the slow PhobertTokenizer" in caplog.text
    words = "Phó_Chủ_tịch UBND tỉnh Bùi_Văn_Khắng chủ_trì cuộc họp ngày 24/2 .".split()
    assert subwords.encode_words(slow, words) == subwords.encode_words(fast, words)
