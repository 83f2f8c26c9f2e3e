"""Parity and speed of the fast PhoBERT tokenizer against transformers' slow PhobertTokenizer.

Segments the sentences of a news corpus once (segmentation is slow), then times only
tokenisation, both tokenizers in the same run, and counts the sentences whose ids agree.
Without ``--model-dir`` a tiny PhoBERT is built from the seeds into a temporary folder,
so the news text is unseen by its vocabulary (pieces outside ``vocab.txt`` occur).

    python benchmarks/tokenizer_speed.py --limit 3000 [--model-dir DIR] [--data FILE.jsonl.gz]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Callable, Sequence

from tqdm import tqdm
from transformers import PhobertTokenizer

from vner.model.subwords import CODES_FILE, MASK, VOCAB_FILE, encode_words, load_tokenizer, to_phobert_ids
from vner.training.tiny_phobert import build_tiny_phobert, read_texts, segment_sentences

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "news_gov_unlabeled.jsonl.gz"
SEEDS = REPO / "seeds"

Words = list[str]


def segmented_sentences(corpus: Path, limit: int | None) -> list[Words]:
    """The first ``limit`` sentences of ``corpus`` (all when ``None``), word-segmented."""
    sentences = (words for text in read_texts(corpus) for words in segment_sentences(text) if words)
    return list(tqdm(islice(sentences, limit), total=limit, desc="segmenting", unit="sentence"))


def timed(encode: Callable[[], list[list[int]]]) -> tuple[list[list[int]], float]:
    start = time.perf_counter()
    result = encode()
    return result, time.perf_counter() - start


def run(sentences: Sequence[Words], model_dir: Path) -> None:
    slow = PhobertTokenizer(str(model_dir / VOCAB_FILE), str(model_dir / CODES_FILE))
    fast = load_tokenizer(model_dir)
    texts = [" ".join(words) for words in sentences]

    slow_ids, slow_seconds = timed(lambda: [slow(t, verbose=False)["input_ids"] for t in texts])
    fast_ids, fast_seconds = timed(lambda: [encode_words(fast, words)[0] for words in sentences])
    batch_ids, batch_seconds = timed(
        lambda: [to_phobert_ids(fast, e.ids) for e in fast.encode_batch(list(sentences), is_pretokenized=True)]
    )

    n = len(sentences)
    mask_id = fast.token_to_id(MASK)
    outside = sum(i > mask_id for e in fast.encode_batch(list(sentences), is_pretokenized=True) for i in e.ids)
    same = sum(a == b for a, b in zip(fast_ids, slow_ids))
    same_batch = sum(a == b for a, b in zip(batch_ids, slow_ids))
    print(f"model dir: {model_dir} ({fast.token_to_id(MASK) + 1} ids)")
    print(f"sentences: {n}  words: {sum(map(len, sentences))}  subwords: {sum(map(len, slow_ids))}")
    print(f"pieces outside vocab.txt (ids above <mask>, mapped to <unk>): {outside}")
    print(f"identical ids fast vs slow: {same}/{n} (encode_words), {same_batch}/{n} (encode_batch)")
    print(f"slow PhobertTokenizer: {n / slow_seconds:8.0f} sentences/s")
    print(f"fast encode_words:     {n / fast_seconds:8.0f} sentences/s  (x{slow_seconds / fast_seconds:.1f})")
    print(f"fast encode_batch:     {n / batch_seconds:8.0f} sentences/s  (x{slow_seconds / batch_seconds:.1f})")
    for text, a, b in islice(((t, a, b) for t, a, b in zip(texts, fast_ids, slow_ids) if a != b), 3):
        print(f"MISMATCH {text[:80]!r}\n  fast {a}\n  slow {b}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="sentences to use (default: all)")
    parser.add_argument("--model-dir", type=Path, help="PhoBERT directory (default: a tiny one built from the seeds)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL(.gz) corpus with a 'text' field")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not args.data.is_file():
        parser.error(f"corpus not found: {args.data}")
    sentences = segmented_sentences(args.data, args.limit)
    if args.model_dir:
        run(sentences, args.model_dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        seed_sentences = [words for text in read_texts(SEEDS) for words in segment_sentences(text)]
        run(sentences, build_tiny_phobert(seed_sentences, tmp))


if __name__ == "__main__":
    main()
