"""Masked-language-model pretraining of a small PhoBERT on unlabeled news, on CPU.

No pretrained PhoBERT can be downloaded here, so the shipped default model starts
from an encoder pretrained by this recipe: learn a PhoBERT-format BPE on the news,
build a small RoBERTa with PhoBERT's conventions, then train it with masked
language modelling (15 % of subwords; 80 % masked, 10 % random, 10 % kept)::

    python -m vner.training.pretrain --corpus ../shared/data/news_gov_unlabeled.jsonl.gz \\
        --output runs/pretrained --steps 3000

``--continue-from DIR`` resumes from an encoder this recipe wrote (a second stage
with a fresh learning-rate schedule; the encoder keeps its weights, the masked-LM
head's transform layer starts anew and its output layer stays tied to the word
embeddings). ``--exclude-from CONFIG`` leaves out the articles a training
config's ``data.exclude_ids`` names (the held-out test and development articles
and their reposts), so that corpora holding them can be used.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path

from vner.model.subwords import BOS, EOS, SPECIAL_IDS, encode_words, load_tokenizer
from vner.training.config import ConfigError, load_config
from vner.training.tiny_phobert import add_shape_arguments, build_from_arguments, segment_corpora

log = logging.getLogger(__name__)

SUMMARY_FILE = "pretrain_summary.json"


def pack_sequences(sentence_ids: Sequence[list[int]], max_length: int) -> list[list[int]]:
    """Pack consecutive sentences (subword ids, no specials) into ``<s> … </s>`` sequences."""
    budget = max_length - 2
    sequences, current = [], []
    for ids in sentence_ids:
        ids = ids[:budget]
        if current and len(current) + len(ids) > budget:
            sequences.append([SPECIAL_IDS[BOS], *current, SPECIAL_IDS[EOS]])
            current = []
        current.extend(ids)
    if current:
        sequences.append([SPECIAL_IDS[BOS], *current, SPECIAL_IDS[EOS]])
    return sequences


def pretrain_mlm(
    encoder_dir: str | Path,
    sentences: Sequence[Sequence[str]],
    output_dir: str | Path,
    *,
    steps: int = 3000,
    batch_size: int = 32,
    max_length: int = 128,
    learning_rate: float = 5e-4,
    warmup_ratio: float = 0.06,
    heldout_fraction: float = 0.02,
    seed: int = 0,
    progress: bool = True,
) -> dict:
    """Train ``encoder_dir``'s RoBERTa with MLM on ``sentences`` and save the encoder to ``output_dir``."""
    import torch
    from tqdm.auto import tqdm
    from transformers import (
        AutoTokenizer,
        DataCollatorForLanguageModeling,
        RobertaForMaskedLM,
        get_linear_schedule_with_warmup,
    )

    started = time.time()
    torch.manual_seed(seed)
    tokenizer = load_tokenizer(encoder_dir)
    sentence_ids = [encode_words(tokenizer, words)[0][1:-1] for words in sentences if words]
    sequences = pack_sequences(sentence_ids, max_length)
    random.Random(seed).shuffle(sequences)
    n_heldout = max(1, int(len(sequences) * heldout_fraction))
    heldout, train_sequences = sequences[:n_heldout], sequences[n_heldout:]
    log.info("%d sequences for training, %d held out", len(train_sequences), len(heldout))

    collator = DataCollatorForLanguageModeling(AutoTokenizer.from_pretrained(encoder_dir), mlm_probability=0.15)
    model = RobertaForMaskedLM.from_pretrained(encoder_dir)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(warmup_ratio * steps), steps)
    generator = torch.Generator().manual_seed(seed)

    def batches(data: list[list[int]]):
        while True:
            order = torch.randperm(len(data), generator=generator).tolist()
            for begin in range(0, len(order) - batch_size + 1, batch_size):
                yield collator([{"input_ids": data[i]} for i in order[begin : begin + batch_size]])

    def heldout_loss() -> float:
        model.eval()
        losses = []
        with torch.no_grad():
            torch.manual_seed(seed)  # the same masks every time, so the figures compare
            for begin in range(0, len(heldout), batch_size):
                batch = collator([{"input_ids": ids} for ids in heldout[begin : begin + batch_size]])
                losses.append(model(**batch).loss.item())
        model.train()
        return sum(losses) / len(losses)

    output_dir = Path(output_dir)

    def save_encoder() -> None:
        """The encoder with its tokenizer files: usable as model.encoder even if the run is cut short."""
        output_dir.mkdir(parents=True, exist_ok=True)
        model.roberta.save_pretrained(output_dir)
        for name in ("vocab.txt", "bpe.codes", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "added_tokens.json"):
            source = Path(encoder_dir) / name
            if source.exists() and source.resolve() != (output_dir / name).resolve():
                (output_dir / name).write_bytes(source.read_bytes())

    history = [{"step": 0, "heldout_loss": heldout_loss()}]
    model.train()
    stream = batches(train_sequences)
    running: list[float] = []
    with tqdm(total=steps, desc="MLM pretraining", unit="step", disable=not progress) as bar:
        for step in range(1, steps + 1):
            loss = model(**next(stream)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            running.append(loss.item())
            bar.update()
            bar.set_postfix(loss=f"{sum(running[-50:]) / len(running[-50:]):.3f}")
            if step % max(1, steps // 10) == 0 or step == steps:
                history.append({"step": step, "train_loss": sum(running[-100:]) / len(running[-100:]),
                                "heldout_loss": heldout_loss()})
                log.info("step %d: %s", step, history[-1])
                save_encoder()

    save_encoder()
    summary = {
        "sequences": len(train_sequences),
        "heldout_sequences": len(heldout),
        "steps": steps,
        "batch_size": batch_size,
        "max_length": max_length,
        "parameters": sum(p.numel() for p in model.roberta.parameters()),
        "history": history,
        "heldout_perplexity": math.exp(history[-1]["heldout_loss"]),
        "seconds": round(time.time() - started, 1),
    }
    (output_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vner.training.pretrain", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", required=True, help="JSONL(.gz) files with 'text', or .txt folders")
    parser.add_argument("--output", required=True, help="encoder directory to write")
    add_shape_arguments(parser, vocab_size=8000, hidden_size=256, layers=4, heads=4, intermediate_size=1024)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--continue-from", metavar="DIR",
                        help="continue pretraining this encoder (with its tokenizer) instead of building a new one; "
                             "the shape flags are then ignored and the learning-rate schedule starts afresh")
    parser.add_argument("--exclude-from", metavar="CONFIG",
                        help="leave out the articles this training config's data.exclude_ids names "
                             "(held-out articles and their reposts)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.continue_from and not (Path(args.continue_from) / "config.json").is_file():
        parser.error(f"--continue-from {args.continue_from}: no encoder there (config.json missing)")
    try:
        excluded = load_config(args.exclude_from).data.exclude_ids if args.exclude_from else []
    except ConfigError as exc:
        parser.error(f"--exclude-from {args.exclude_from}: {exc}")
    sentences = segment_corpora(args.corpus, frozenset(excluded))
    output = Path(args.output)
    initial = (Path(args.continue_from) if args.continue_from
               else build_from_arguments(sentences, output.parent / f"{output.name}-init", args))
    summary = pretrain_mlm(initial, sentences, output, steps=args.steps, batch_size=args.batch_size,
                           max_length=args.max_length, learning_rate=args.learning_rate, seed=args.seed)
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
