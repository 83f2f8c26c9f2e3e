"""Tagging throughput in one run: PyTorch FP32 vs ONNX FP32 vs ONNX INT8 (also with the rules beside it).

For each model (a PhoBERT-base-shaped random model — speed does not depend on the
weights — and, when given, a trained model such as the default), on articles of
``../shared/data/news_mixed_feed.jsonl.gz``:

- articles/s and subword tokens/s for the three runtimes, and for INT8 with the rule-based
  labeller running beside the model (``rules``, as the shipped default does);
- ``predict`` p50/p95 latency on one ~600-word article;
- the share of end-to-end time spent in normalisation, sentence splitting and
  word segmentation, tokenisation and windowing, the model, and decoding (INT8).

    python benchmarks/tag_throughput.py --limit 100 [--trained runs/default]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from vner.model.decode import DEFAULT_BATCH_SIZE, decode_relations, decode_tags, run_windows, word_subword_ids
from vner.model.normalize import normalize
from vner.model.pipeline import entities_from_word_tags, make_windows, prepare_text
from vner.model.subwords import BOS, EOS, PAD, SPECIAL_IDS
from vner.serving.tagger import Tagger

REPO = Path(__file__).resolve().parents[1]
FEED = REPO.parent / "shared" / "data" / "news_mixed_feed.jsonl.gz"
BASE_SHAPE = dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)


def read_feed(limit: int) -> list[str]:
    texts = []
    with gzip.open(FEED, "rt", encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def build_base_shaped(tokenizer_dir: Path, output: Path) -> Path:
    """A randomly initialised joint model of PhoBERT-base's shape, saved as a vner model directory."""
    import torch
    from transformers import RobertaConfig, RobertaModel

    from vner.model.network import JointModel
    from vner.model.subwords import load_tokenizer, save_tokenizer
    from vner.training.train import TOKENIZER_FILES

    torch.manual_seed(0)
    config = RobertaConfig(vocab_size=64001, max_position_embeddings=258, type_vocab_size=1, pad_token_id=1,
                           bos_token_id=0, eos_token_id=2, tokenizer_class="PhobertTokenizer", **BASE_SHAPE)
    model = JointModel(RobertaModel(config, add_pooling_layer=False))
    model.save(output, extra={"segmenter": "pyvi", "max_length": 256, "encoder": "random phobert-base shape"})
    for name in TOKENIZER_FILES:
        if (tokenizer_dir / name).exists():
            (output / name).write_bytes((tokenizer_dir / name).read_bytes())
    save_tokenizer(load_tokenizer(tokenizer_dir), output)
    return output


def throughput(predict, texts: list[str], tokens: int) -> dict:
    started = time.perf_counter()
    predict(texts)
    seconds = time.perf_counter() - started
    return {"articles_per_s": len(texts) / seconds, "tokens_per_s": tokens / seconds, "seconds": seconds}


def latency(predict_one, text: str, repeats: int) -> dict:
    predict_one(text)  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        predict_one(text)
        times.append(time.perf_counter() - started)
    return {"p50_ms": statistics.median(times) * 1e3, "p95_ms": float(np.percentile(times, 95)) * 1e3}


def stage_shares(tagger: Tagger, texts: list[str]) -> dict[str, float]:
    """Seconds in each pipeline stage over ``texts`` (the tagger's own path, stage by stage)."""
    spent = dict.fromkeys(("normalise", "sentences+segmentation", "tokenisation+windows", "model: encoder",
                           "model: relation head", "decoding"), 0.0)

    def timed_score_pairs(*arrays):
        started = time.perf_counter()
        logits = tagger.score_pairs(*arrays)
        spent["model: relation head"] += time.perf_counter() - started
        return logits

    for text in texts:
        t0 = time.perf_counter()
        normalize(text)
        t1 = time.perf_counter()
        prepared = prepare_text(text, tagger.segmenter)  # normalises again: subtract t1 - t0 below
        t2 = time.perf_counter()
        pieces = word_subword_ids(tagger._tokenizer, prepared.word_forms())
        windows = make_windows(pieces, prepared.word_sentence, bos_id=SPECIAL_IDS[BOS], eos_id=SPECIAL_IDS[EOS],
                               max_length=tagger.max_length)
        t3 = time.perf_counter()
        outputs = run_windows(windows, tagger.encode, SPECIAL_IDS[PAD], tagger.batch_size) if windows else []
        t4 = time.perf_counter()
        from vner.model.decode import EncodedText

        encoded = EncodedText(prepared, windows)
        tags, scores = decode_tags(encoded, outputs)
        entities = entities_from_word_tags(prepared, tags, scores, join_fragments=True)
        relation_seconds = spent["model: relation head"]
        decode_relations(encoded, outputs, entities, timed_score_pairs)
        t5 = time.perf_counter()
        spent["normalise"] += t1 - t0
        spent["sentences+segmentation"] += (t2 - t1) - (t1 - t0)
        spent["tokenisation+windows"] += t3 - t2
        spent["model: encoder"] += t4 - t3
        spent["decoding"] += (t5 - t4) - (spent["model: relation head"] - relation_seconds)
    total = sum(spent.values())
    return {stage: seconds / total for stage, seconds in spent.items()}


def count_tokens(tagger: Tagger, texts: list[str]) -> int:
    return sum(len(w.input_ids) for enc in tagger.encode_texts(texts) for w in enc.windows)


def bench_model(name: str, torch_dir: Path, serving_dir: Path, per_tensor_dir: Path, texts: list[str],
                article: str, repeats: int) -> None:
    """One table: PyTorch FP32, ONNX FP32, ONNX INT8 (per-channel scales, the default), INT8 per tensor
    and INT8 with the rules beside the model."""
    from vner.training.evaluate import TorchPredictor

    print(f"\n== {name}")
    # the model alone in every row but the last, whatever the model's config says about rules
    int8 = Tagger(serving_dir, precision="int8", rules=False)
    tokens = count_tokens(int8, texts)
    runtimes = {
        # every runtime at the serving default of windows per call, so that only the runtime differs
        "pytorch fp32": TorchPredictor.from_directory(torch_dir, batch_size=DEFAULT_BATCH_SIZE, rules=False),
        "onnx fp32": Tagger(serving_dir, precision="fp32", rules=False),
        "onnx int8": int8,
        "int8 per-tensor": Tagger(per_tensor_dir, precision="int8", rules=False),
        "int8 + rules": Tagger(serving_dir, precision="int8", rules=True),
    }
    results = {}
    for runtime, predictor in runtimes.items():
        results[runtime] = throughput(predictor.predict, texts, tokens)
        results[runtime].update(latency(lambda t, p=predictor: p.predict([t]), article, repeats))
        r = results[runtime]
        print(f"{runtime:<15} {r['articles_per_s']:8.2f} articles/s {r['tokens_per_s']:9.0f} tokens/s   "
              f"predict p50 {r['p50_ms']:8.1f} ms  p95 {r['p95_ms']:8.1f} ms")
    base = results["pytorch fp32"]["articles_per_s"]
    print(f"speed-up over pytorch fp32: onnx fp32 {results['onnx fp32']['articles_per_s'] / base:.2f}×, "
          f"onnx int8 {results['onnx int8']['articles_per_s'] / base:.2f}× "
          f"(per tensor {results['int8 per-tensor']['articles_per_s'] / base:.2f}×); with rules, INT8 runs at "
          f"{results['int8 + rules']['articles_per_s'] / results['onnx int8']['articles_per_s']:.2f}× its speed alone")
    shares = stage_shares(int8, texts)
    print("time shares with INT8: " + ", ".join(f"{stage} {share:.1%}" for stage, share in shares.items()))
    print(f"outside the model: {1 - shares['model: encoder'] - shares['model: relation head']:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="articles of the mixed feed (default 100)")
    parser.add_argument("--repeats", type=int, default=10, help="latency repetitions")
    parser.add_argument("--tokenizer", type=Path, default=REPO / "runs" / "pretrained",
                        help="a model directory whose tokenizer the base-shaped model uses")
    parser.add_argument("--trained", type=Path, help="a trained model directory (e.g. runs/default) to bench too")
    parser.add_argument("--skip-base", action="store_true", help="bench only --trained")
    args = parser.parse_args()

    from vner.training.export import export_model

    texts = read_feed(args.limit)
    article = min(texts, key=lambda t: abs(len(t.split()) - 600))
    print(f"{len(texts)} articles of {FEED.name}, {sum(map(len, texts))} characters; "
          f"latency article: {len(article.split())} words")
    def exported(model: Path, name: str) -> tuple[Path, Path]:
        default, per_tensor = Path(tmp) / name, Path(tmp) / f"{name}-per-tensor"
        export_model(model, default, min_int8_agreement=0.0)
        export_model(model, per_tensor, min_int8_agreement=0.0, per_channel=False)
        return default, per_tensor

    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_base:
            base = build_base_shaped(args.tokenizer, Path(tmp) / "base")
            bench_model("PhoBERT-base-shaped (random weights, 12 × 768)", base, *exported(base, "base-onnx"),
                        texts, article, args.repeats)
        if args.trained:
            bench_model(f"trained model {args.trained}", args.trained, *exported(args.trained, "trained-onnx"),
                        texts, article, args.repeats)


if __name__ == "__main__":
    main()
