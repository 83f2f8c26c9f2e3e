"""Train-step time and peak memory of the joint model on this CPU, and the arithmetic for one GPU.

Two encoders with random weights: the tiny PhoBERT of the tests and a
PhoBERT-base-shaped one (12 layers, hidden 768, 12 heads, vocabulary 64,001).
Each runs in its own process so that its peak resident memory is its own.

    python benchmarks/train_step.py [--batch-size 16] [--length 256] [--steps 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SHAPES = {
    "tiny": dict(vocab_size=1000, hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128),
    "phobert-base-shaped": dict(vocab_size=64001, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                                intermediate_size=3072),
}
# One GPU, for the arithmetic: an A100 40 GB runs bf16 matmuls at 312 TFLOP/s peak; 40 % of it is typical.
GPU_NAME, GPU_PEAK_FLOPS, GPU_UTILISATION, GPU_MEMORY_GB = "A100 40 GB", 312e12, 0.40, 40


def measure(shape: str, batch_size: int, length: int, steps: int) -> dict:
    """Run a few training steps; return seconds per step, peak RSS and parameter count."""
    import torch
    from transformers import RobertaConfig, RobertaModel

    from vner.model.network import JointModel

    torch.manual_seed(0)
    config = RobertaConfig(max_position_embeddings=258, type_vocab_size=1, pad_token_id=1, **SHAPES[shape])
    model = JointModel(RobertaModel(config, add_pooling_layer=False))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ids = torch.randint(5, config.vocab_size, (batch_size, length))
    batch = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "labels": torch.randint(0, 13, (batch_size, length)),
        "pair_batch": torch.arange(batch_size).repeat_interleave(8),
        "pair_heads": torch.randint(1, length, (batch_size * 8,)),
        "pair_tails": torch.randint(1, length, (batch_size * 8,)),
        "pair_head_types": torch.randint(0, 6, (batch_size * 8,)),
        "pair_tail_types": torch.randint(0, 6, (batch_size * 8,)),
        "pair_labels": torch.randint(0, 8, (batch_size * 8,)),
    }

    def step() -> None:
        model(**batch)["loss"].backward()
        optimizer.step()
        optimizer.zero_grad()

    step()  # warm-up: allocator, optimizer state
    started = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - started) / steps
    return {
        "shape": shape,
        "parameters": sum(p.numel() for p in model.parameters()),
        "seconds_per_step": seconds,
        "tokens_per_second": batch_size * length / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "threads": torch.get_num_threads(),
    }


def gpu_arithmetic(parameters: int, batch_size: int, length: int, windows: int) -> str:
    """Training FLOPs ≈ 6 × parameters × tokens (forward + backward); memory ≈ 16 bytes a parameter for
    weights, gradients and AdamW state, plus activations."""
    flops_per_step = 6 * parameters * batch_size * length
    seconds = flops_per_step / (GPU_PEAK_FLOPS * GPU_UTILISATION)
    epoch_steps = -(-windows // batch_size)
    state_gb = parameters * 16 / 1e9
    return (f"  {GPU_NAME}: 6·N·tokens = {flops_per_step / 1e12:.1f} TFLOP per step → ~{seconds * 1e3:.0f} ms/step at "
            f"{GPU_UTILISATION:.0%} of {GPU_PEAK_FLOPS / 1e12:.0f} TFLOP/s; an epoch of {windows} windows "
            f"({epoch_steps} steps) ≈ {epoch_steps * seconds:.0f} s.\n"
            f"  memory: weights + gradients + AdamW ≈ {state_gb:.1f} GB (+ activations, a few GB at batch "
            f"{batch_size} × {length} with bf16), well inside {GPU_MEMORY_GB} GB.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--length", type=int, default=256)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--windows", type=int, default=8000,
                        help="training windows per epoch for the GPU arithmetic (gold + silver, about 8,000)")
    parser.add_argument("--one", choices=SHAPES, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.batch_size, args.length, args.steps)))
        return

    print(f"batch {args.batch_size} × {args.length} subwords, {args.steps} timed steps after one warm-up, CPU")
    results = []
    for shape in SHAPES:
        done = subprocess.run(
            [sys.executable, __file__, "--one", shape, "--batch-size", str(args.batch_size),
             "--length", str(args.length), "--steps", str(args.steps)],
            capture_output=True, text=True, check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{shape:<22} {result['parameters'] / 1e6:7.1f} M params  {result['seconds_per_step']:8.3f} s/step  "
              f"{result['tokens_per_second']:9.0f} tokens/s  peak RSS {result['peak_rss_mb']:7.0f} MB  "
              f"({result['threads']} threads)")
    base = results[-1]
    print(f"base-shaped / tiny step time: {base['seconds_per_step'] / results[0]['seconds_per_step']:.0f}×")
    print("single GPU, by arithmetic (not measured here: no GPU on this machine):")
    print(gpu_arithmetic(base["parameters"], args.batch_size, args.length, args.windows))


if __name__ == "__main__":
    main()
