"""A tiny PhoBERT built offline, for tests and dry runs where vinai/phobert-base cannot be downloaded.

It has everything a real PhoBERT directory has, in the same formats: ``vocab.txt``
and ``bpe.codes`` learnt on local word-segmented text, ``tokenizer_config.json``
(so ``AutoTokenizer`` gives a ``PhobertTokenizer``), the fast ``tokenizer.json`` of
:mod:`vner.model.subwords`, and a randomly initialised ``RobertaModel`` with
PhoBERT's conventions (258 positions, ``<pad>`` = 1, one token type).

    python -m vner.training.tiny_phobert --corpus ../shared/data/news_gov_unlabeled.jsonl.gz --output runs/tiny
"""

from __future__ import annotations

import argparse
import heapq
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Iterator, Sequence

import torch
from tqdm import tqdm
from transformers import PhobertTokenizer, RobertaConfig, RobertaModel

from vner.model.document import open_text
from vner.model.pipeline import prepare_text
from vner.model.subwords import (
    CODES_FILE,
    END_OF_WORD,
    VOCAB_FILE,
    build_fast_tokenizer,
    phobert_token,
    save_tokenizer,
)
from vner.model.words import DEFAULT_SEGMENTER

logger = logging.getLogger(__name__)

Pair = tuple[str, str]

# PhoBERT's own architecture conventions (vinai/phobert-base config.json).
MAX_POSITIONS = 258  # 256 tokens + RoBERTa's padding offset of 2
MODEL_MAX_LENGTH = 256


def segment_sentences(text: str, segmenter: str = DEFAULT_SEGMENTER) -> list[list[str]]:
    """The sentences of ``text`` as PhoBERT word forms, through the same pipeline serving uses."""
    prepared = prepare_text(text, segmenter)
    sentences: list[list[str]] = [[] for _ in prepared.sentences]
    for form, sentence in zip(prepared.word_forms(), prepared.word_sentence):
        sentences[sentence].append(form)
    return [words for words in sentences if words]


def read_texts(corpus: str | Path, exclude_ids: Collection[str] = ()) -> Iterator[str]:
    """Texts of a corpus: a JSONL file (``.gz`` or not) with a ``text`` field, or a folder of ``.txt`` files.

    Records (by their ``id`` field) or files (by their stem) named in ``exclude_ids`` are left out.
    """
    corpus = Path(corpus)
    if corpus.is_dir():
        for path in sorted(corpus.glob("*.txt")):
            if path.stem not in exclude_ids:
                yield path.read_text(encoding="utf-8")
        return
    with open_text(corpus) as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if record.get("id") not in exclude_ids:
                    yield record["text"]


def _initial_symbols(word: str) -> list[str]:
    return [*word[:-1], word[-1] + END_OF_WORD]


def _merge_pair(symbols: list[str], pair: Pair) -> list[str]:
    merged: list[str] = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(pair[0] + pair[1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


@dataclass
class _LearntBpe:
    """What BPE learning yields: merges with their counts, and the final pieces of the corpus."""

    merges: list[Pair]
    merge_counts: list[int]
    pieces: Counter[str]  # final piece (vocab.txt spelling) -> occurrences in the corpus


def _learn_bpe(word_counts: Counter[str], vocab_size: int) -> _LearntBpe:
    """Sennrich/fastBPE learning: repeatedly merge the most frequent symbol pair.

    Ties go to the smallest pair, so the result depends on the corpus only (the
    ``tokenizers`` trainer breaks ties by hash order, which changes between runs).
    """
    words = [_initial_symbols(word) for word in word_counts]
    freqs = list(word_counts.values())
    pair_counts: Counter[Pair] = Counter()
    holders: defaultdict[Pair, set[int]] = defaultdict(set)  # pair -> words that had it (may be stale)
    for index, symbols in enumerate(words):
        for pair in zip(symbols, symbols[1:]):
            pair_counts[pair] += freqs[index]
            holders[pair].add(index)
    heap = [(-count, pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)
    alphabet_size = len({symbol for symbols in words for symbol in symbols})
    merges: list[Pair] = []
    merge_counts: list[int] = []
    while heap and alphabet_size + len(merges) < vocab_size:
        negative_count, pair = heapq.heappop(heap)
        if pair_counts.get(pair) != -negative_count:
            continue  # a stale heap entry: the pair's count changed since it was pushed
        merges.append(pair)
        merge_counts.append(-negative_count)
        changed: set[Pair] = set()
        for index in holders.pop(pair):
            old = words[index]
            new = _merge_pair(old, pair)
            if len(new) == len(old):
                continue
            words[index] = new
            for old_pair in zip(old, old[1:]):
                pair_counts[old_pair] -= freqs[index]
            for new_pair in zip(new, new[1:]):
                pair_counts[new_pair] += freqs[index]
                holders[new_pair].add(index)
            changed.update(zip(old, old[1:]), zip(new, new[1:]))
        for changed_pair in changed:
            count = pair_counts[changed_pair]
            if count > 0:
                heapq.heappush(heap, (-count, changed_pair))
            else:
                del pair_counts[changed_pair]
    pieces: Counter[str] = Counter()
    for symbols, freq in zip(words, freqs):
        for symbol in symbols:
            pieces[phobert_token(symbol)] += freq
    return _LearntBpe(merges, merge_counts, pieces)


def learn_phobert_bpe(
    segmented_sentences: Iterable[Sequence[str]], output_dir: str | Path, vocab_size: int = 4000
) -> None:
    """Learn BPE on word-segmented sentences and write PhoBERT's ``bpe.codes`` and ``vocab.txt``.

    ``vocab_size`` bounds the BPE symbol inventory (characters plus merges). As in
    PhoBERT, ``vocab.txt`` is the dictionary of the BPE-applied corpus: the pieces
    that occur, most frequent first, so merge-only intermediate symbols are absent.
    """
    word_counts = Counter(word for sentence in segmented_sentences for word in sentence)
    if not word_counts:
        raise ValueError("no words to learn BPE from")
    bpe = _learn_bpe(word_counts, vocab_size)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    codes = "".join(f"{a} {b} {count}\n" for (a, b), count in zip(bpe.merges, bpe.merge_counts))
    (output_dir / CODES_FILE).write_text(codes, encoding="utf-8")
    ranked = sorted(bpe.pieces.items(), key=lambda item: (-item[1], item[0]))
    vocab = "".join(f"{token} {count}\n" for token, count in ranked)
    (output_dir / VOCAB_FILE).write_text(vocab, encoding="utf-8")
    logger.info(
        "learnt %d merges, %d vocab.txt pieces from %d distinct words", len(bpe.merges), len(ranked), len(word_counts)
    )


def build_tiny_phobert(
    segmented_sentences: Iterable[Sequence[str]],
    output_dir: str | Path,
    *,
    vocab_size: int = 4000,
    hidden_size: int = 64,
    num_layers: int = 2,
    num_heads: int = 2,
    intermediate_size: int = 128,
    seed: int = 0,
) -> Path:
    """Write a tiny, randomly initialised PhoBERT into ``output_dir`` and return its path.

    ``AutoTokenizer.from_pretrained`` and ``AutoModel.from_pretrained`` load it;
    the same corpus and seed give the same files.
    """
    output_dir = Path(output_dir)
    learn_phobert_bpe(segmented_sentences, output_dir, vocab_size)
    slow = PhobertTokenizer(
        str(output_dir / VOCAB_FILE), str(output_dir / CODES_FILE), model_max_length=MODEL_MAX_LENGTH
    )
    slow.save_pretrained(output_dir)
    save_tokenizer(build_fast_tokenizer(output_dir / VOCAB_FILE, output_dir / CODES_FILE), output_dir)
    config = RobertaConfig(
        vocab_size=len(slow),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=intermediate_size,
        max_position_embeddings=MAX_POSITIONS,
        type_vocab_size=1,
        layer_norm_eps=1e-5,
        pad_token_id=slow.pad_token_id,
        bos_token_id=slow.bos_token_id,
        eos_token_id=slow.eos_token_id,
        tokenizer_class="PhobertTokenizer",
    )
    # A private RNG stream: the weights depend on the seed only, the caller's RNG is untouched.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = RobertaModel(config)
    model.save_pretrained(output_dir)
    logger.info("tiny PhoBERT (%d ids, hidden %d) written to %s", config.vocab_size, hidden_size, output_dir)
    return output_dir


def add_shape_arguments(parser: argparse.ArgumentParser, *, vocab_size: int, hidden_size: int, layers: int,
                        heads: int, intermediate_size: int) -> None:
    """The encoder-shape flags (and ``--seed``) shared by this builder and the MLM pretraining command."""
    parser.add_argument("--vocab-size", type=int, default=vocab_size)
    parser.add_argument("--hidden-size", type=int, default=hidden_size)
    parser.add_argument("--layers", type=int, default=layers)
    parser.add_argument("--heads", type=int, default=heads)
    parser.add_argument("--intermediate-size", type=int, default=intermediate_size)
    parser.add_argument("--seed", type=int, default=0)


def build_from_arguments(sentences: Sequence[Sequence[str]], output_dir: str | Path,
                         args: argparse.Namespace) -> Path:
    """:func:`build_tiny_phobert` with the sizes given by :func:`add_shape_arguments`' flags."""
    return build_tiny_phobert(
        sentences,
        output_dir,
        vocab_size=args.vocab_size,
        hidden_size=args.hidden_size,
        num_layers=args.layers,
        num_heads=args.heads,
        intermediate_size=args.intermediate_size,
        seed=args.seed,
    )


def segment_corpora(corpora: Iterable[str | Path], exclude_ids: Collection[str] = ()) -> list[list[str]]:
    """Every sentence of every corpus as PhoBERT word forms, with a progress bar.

    Texts ``exclude_ids`` names are left out, as in :func:`read_texts`.
    """
    texts = (text for corpus in corpora for text in read_texts(corpus, exclude_ids))
    return [words for text in tqdm(texts, desc="segmenting", unit="text") for words in segment_sentences(text)]


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: segment a corpus and build a tiny PhoBERT from it."""
    parser = argparse.ArgumentParser(prog="python -m vner.training.tiny_phobert", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True, help="JSONL(.gz) with a 'text' field, or a folder of .txt files")
    parser.add_argument("--output", required=True, help="model directory to write")
    add_shape_arguments(parser, vocab_size=4000, hidden_size=64, layers=2, heads=2, intermediate_size=128)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    print(build_from_arguments(segment_corpora([args.corpus]), args.output, args))


if __name__ == "__main__":
    main()
