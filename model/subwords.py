"""Subwords: a fast (Rust ``tokenizers``) twin of PhoBERT's slow ``PhobertTokenizer``.

PhoBERT ships two files: ``vocab.txt`` (fairseq dictionary, ``token count`` lines,
non-final pieces spelt ``xx@@``) and ``bpe.codes`` (fastBPE merges ``a b count``,
word ends marked ``</w>``). ``transformers.PhobertTokenizer`` applies them in
pure Python. :func:`build_fast_tokenizer` turns the same files into a
``tokenizers.Tokenizer`` that gives the same ids, and :func:`encode_words`
encodes one sentence of segmented words with the word index of every subword.

Inside the Rust BPE model every symbol is spelt as fastBPE spells it during
merging (final piece ``xx</w>``, non-final ``xx``). Symbols that take part in
merges but are missing from ``vocab.txt`` still need an id of their own (the
Rust merge table is keyed by id pairs, so sharing ``<unk>``'s id would make
unrelated merges collide); they get ids above ``<mask>``'s, which
:func:`to_phobert_ids` turns into the id PhobertTokenizer gives them, ``<unk>``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, processors

logger = logging.getLogger(__name__)

VOCAB_FILE = "vocab.txt"
CODES_FILE = "bpe.codes"
TOKENIZER_FILE = "tokenizer.json"

BOS, PAD, EOS, UNK, MASK = "<s>", "<pad>", "</s>", "<unk>", "<mask>"
#: PhoBERT's fixed ids: these four come first, ``vocab.txt`` follows, ``<mask>`` is last.
SPECIAL_IDS = {BOS: 0, PAD: 1, EOS: 2, UNK: 3}
END_OF_WORD = "</w>"
CONTINUATION = "@@"

# PhobertTokenizer splits with re.findall(r"\S+\n?"): a newline right after a word stays
# in it (and becomes an extra <unk> piece). Python's \s also counts \x1c-\x1f as space,
# Oniguruma's does not, hence the explicit range.
_WORD_PATTERN = r"[^\s\x1c-\x1f]+\n?"


def read_phobert_vocab(path: str | Path) -> dict[str, int]:
    """PhoBERT's token → id map, read exactly as ``PhobertTokenizer`` reads it (without ``<mask>``)."""
    encoder = dict(SPECIAL_IDS)
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle.readlines(), start=1):
            line = raw.strip()
            cut = line.rfind(" ")
            if cut == -1:
                raise ValueError(f"{path}:{number}: expected '<token> <count>', got {line!r}")
            # Same statement as PhobertTokenizer, so a repeated token behaves identically.
            encoder[line[:cut]] = len(encoder)
    return encoder


def read_bpe_codes(path: str | Path) -> list[tuple[str, str]]:
    """fastBPE merges in rank order, read exactly as ``PhobertTokenizer`` reads them."""
    with open(path, encoding="utf-8") as handle:
        # PhobertTokenizer drops whatever follows the last newline.
        lines = handle.read().split("\n")[:-1]
    merges = []
    for line in lines:
        fields = line.split()[:-1]
        # A line that is not "a b count" can never match a symbol pair in PhobertTokenizer either.
        if len(fields) == 2:
            merges.append((fields[0], fields[1]))
    return merges


def bpe_symbol(phobert_token: str) -> str:
    """The fastBPE spelling of a ``vocab.txt`` token: ``xx@@`` → ``xx``, ``xx`` → ``xx</w>``."""
    if phobert_token.endswith(CONTINUATION) and len(phobert_token) > len(CONTINUATION):
        return phobert_token[: -len(CONTINUATION)]
    return phobert_token + END_OF_WORD


def phobert_token(symbol: str) -> str:
    """The ``vocab.txt`` spelling of a fastBPE symbol: ``xx</w>`` → ``xx``, ``xx`` → ``xx@@``."""
    if symbol.endswith(END_OF_WORD):
        return symbol[: -len(END_OF_WORD)]
    return symbol + CONTINUATION


def _bpe_vocab(encoder: dict[str, int], merges: Sequence[tuple[str, str]]) -> dict[str, int]:
    vocab: dict[str, int] = dict(SPECIAL_IDS)
    for token, token_id in encoder.items():
        if token not in SPECIAL_IDS:
            vocab.setdefault(bpe_symbol(token), token_id)
    mask_id = len(encoder)
    vocab[MASK] = mask_id
    next_id = mask_id + 1
    for left, right in merges:
        for symbol in (left, right, left + right):
            if symbol not in vocab:
                vocab[symbol] = next_id
                next_id += 1
    return vocab


def build_fast_tokenizer(vocab_path: str | Path, codes_path: str | Path) -> Tokenizer:
    """Build a ``tokenizers.Tokenizer`` equivalent to ``PhobertTokenizer(vocab_path, codes_path)``.

    Use it through :func:`encode_words` (or map raw ids with :func:`to_phobert_ids`):
    a piece missing from ``vocab.txt`` comes out of the Rust model with an id above
    ``<mask>``'s.
    """
    encoder = read_phobert_vocab(vocab_path)
    merges = read_bpe_codes(codes_path)
    vocab = _bpe_vocab(encoder, merges)
    logger.debug(
        "PhoBERT tokenizer: %d vocab.txt ids, %d merges, %d merge symbols outside vocab.txt",
        len(encoder) + 1,
        len(merges),
        len(vocab) - len(encoder) - 1,
    )
    bpe = models.BPE(
        vocab=vocab,
        merges=merges,
        unk_token=UNK,
        end_of_word_suffix=END_OF_WORD,
        fuse_unk=False,  # PhobertTokenizer gives one <unk> per unknown piece
    )
    tokenizer = Tokenizer(bpe)
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex(_WORD_PATTERN), behavior="removed", invert=True)
    tokenizer.decoder = decoders.BPEDecoder(suffix=END_OF_WORD)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A:0 {EOS}",
        pair=f"{BOS} $A:0 {EOS} {EOS} $B:0 {EOS}",
        special_tokens=[(BOS, SPECIAL_IDS[BOS]), (EOS, SPECIAL_IDS[EOS])],
    )
    # Already in the vocab, so they keep PhoBERT's ids; as added tokens they are cut out
    # of the text wherever they appear, as PhobertTokenizer does.
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in (*SPECIAL_IDS, MASK)])
    return tokenizer


def save_tokenizer(tokenizer: Tokenizer, model_dir: str | Path) -> Path:
    """Write ``tokenizer.json`` into ``model_dir`` and return its path."""
    path = Path(model_dir) / TOKENIZER_FILE
    tokenizer.save(str(path))
    return path


def _check_phobert(tokenizer: Tokenizer, source: Path) -> Tokenizer:
    misplaced = [t for t, i in SPECIAL_IDS.items() if tokenizer.token_to_id(t) != i]
    if misplaced or tokenizer.token_to_id(MASK) is None:
        raise ValueError(f"{source} is not a PhoBERT tokenizer (special tokens missing or misplaced)")
    return tokenizer


def load_tokenizer(model_dir: str | Path) -> Tokenizer:
    """The fast PhoBERT tokenizer of a model directory.

    Reads ``tokenizer.json`` when present and readable, else builds it from
    ``vocab.txt`` and ``bpe.codes``; raises ``FileNotFoundError`` when neither works.
    """
    model_dir = Path(model_dir)
    tokenizer_file = model_dir / TOKENIZER_FILE
    if tokenizer_file.is_file():
        try:
            return _check_phobert(Tokenizer.from_file(str(tokenizer_file)), tokenizer_file)
        except Exception as error:  # any unreadable file: fall back to the source files
            logger.warning("cannot read %s (%s); building the tokenizer from %s", tokenizer_file, error, VOCAB_FILE)
    vocab_path, codes_path = model_dir / VOCAB_FILE, model_dir / CODES_FILE
    if not (vocab_path.is_file() and codes_path.is_file()):
        raise FileNotFoundError(
            f"no usable PhoBERT tokenizer in {model_dir}: expected {TOKENIZER_FILE}, "
            f"or both {VOCAB_FILE} and {CODES_FILE}"
        )
    try:
        return build_fast_tokenizer(vocab_path, codes_path)
    except Exception as error:  # the Rust tokenizer refused these files: PhobertTokenizer may still read them
        logger.warning("cannot build the fast tokenizer from %s (%s); falling back to the slow PhobertTokenizer "
                       "(needs transformers; several times slower)", model_dir, error)
        return SlowPhobertTokenizer(vocab_path, codes_path)


class SlowPhobertTokenizer:
    """``transformers.PhobertTokenizer`` behind :func:`encode_words`: the fallback of :func:`load_tokenizer`.

    PhoBERT's BPE works word by word, so encoding each word alone gives the
    sentence's pieces and their word indices.
    """

    def __init__(self, vocab_path: str | Path, codes_path: str | Path) -> None:
        from transformers import PhobertTokenizer

        self.slow = PhobertTokenizer(str(vocab_path), str(codes_path))

    def encode_words(self, words: Sequence[str]) -> tuple[list[int], list[int | None]]:
        ids: list[int] = [SPECIAL_IDS[BOS]]
        word_ids: list[int | None] = [None]
        for index, word in enumerate(words):
            pieces = self.slow.encode(word, add_special_tokens=False)
            ids.extend(pieces)
            word_ids.extend([index] * len(pieces))
        ids.append(SPECIAL_IDS[EOS])
        word_ids.append(None)
        return ids, word_ids


def _phobert_id(tokenizer: Tokenizer, token_id: int, mask_id: int) -> int:
    symbol = tokenizer.id_to_token(token_id)
    # A final piece ending in "@@" is spelt in vocab.txt like the non-final piece before the
    # "@@", and PhobertTokenizer looks it up under that spelling.
    if symbol is not None and symbol.endswith(CONTINUATION + END_OF_WORD):
        twin = tokenizer.token_to_id(symbol[: -len(CONTINUATION + END_OF_WORD)])
        if twin is not None and twin < mask_id:
            return twin
    return SPECIAL_IDS[UNK]


def to_phobert_ids(tokenizer: Tokenizer, ids: Sequence[int]) -> list[int]:
    """Map raw ids of a tokenizer from :func:`build_fast_tokenizer` to PhoBERT's ids.

    Only ids above ``<mask>``'s change: they name pieces that ``vocab.txt`` lacks.
    """
    mask_id = tokenizer.token_to_id(MASK)
    if not ids or max(ids) <= mask_id:
        return list(ids)
    return [i if i <= mask_id else _phobert_id(tokenizer, i, mask_id) for i in ids]


def encode_words(
    tokenizer: Tokenizer | SlowPhobertTokenizer, words: Sequence[str]
) -> tuple[list[int], list[int | None]]:
    """Encode one sentence of segmented words (syllables joined by ``_``).

    Returns PhoBERT input ids (``<s> … </s>``, equal to
    ``PhobertTokenizer(" ".join(words))["input_ids"]``) and, for each id, the index
    of the word it comes from (``None`` for ``<s>`` and ``</s>``).
    """
    if isinstance(tokenizer, SlowPhobertTokenizer):
        return tokenizer.encode_words(words)
    text = " ".join(words)
    # Encoding the joined text is about twice as fast as is_pretokenized=True, and gives the
    # same pieces and word indices when each word is one pre-token: not empty, without white
    # space, without special tokens (which all start with "<").
    if len(text.split()) == len(words) and "<" not in text:
        encoding = tokenizer.encode(text)
    else:
        encoding = tokenizer.encode(list(words), is_pretokenized=True)
    return to_phobert_ids(tokenizer, encoding.ids), list(encoding.word_ids)
