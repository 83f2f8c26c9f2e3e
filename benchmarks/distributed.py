"""One process against two: configs/tiny.yaml trained both ways on the seeds, for several seeds.

Two CPU processes are started by ``accelerate launch --multi_gpu --num_processes 2``:
accelerate's ``--cpu`` flag uses its single-process launcher (one process, whatever
``--num_processes`` says), while ``--multi_gpu`` is its torchrun launcher, which on a
machine without CUDA gives each process the gloo backend. Every process runs with
one thread, and the config's batch is the global batch (each process takes half).

    python benchmarks/distributed.py [--seeds 1 2 3] [--set training.epochs=10 …]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"


def train_command(processes: int) -> list[str]:
    """The command that trains with ``processes`` CPU processes."""
    if processes == 1:
        return [sys.executable, "-m", "vner.cli", "train"]
    return [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
            "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
            "--main_process_port", "0", "-m", "vner.cli", "train"]


def run(encoder: Path, work: Path, processes: int, seed: int, overrides: list[str]) -> dict:
    """Train configs/tiny.yaml once, evaluate on the seeds; the figures of the run."""
    from vner.training.evaluate import evaluate_model

    output = work / f"p{processes}-s{seed}"
    settings = [f"model.encoder={encoder}", f"output.dir={output}", "output.export_onnx=false",
                f"training.seed={seed}", *overrides]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([*train_command(processes), "--config", "configs/tiny.yaml", "-q",
                    *(arg for item in settings for arg in ("--set", item))],
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=1200)
    summary = json.loads((output / "run_summary.json").read_text())
    result = evaluate_model(output, SEEDS_DIR / "gold.jsonl")
    return {"processes": summary["processes"], "seed": seed, "steps": summary["steps"],
            "seconds": summary["seconds"], "loss": summary["history"][-1]["loss"],
            "entity_f1": result["entities"]["micro"]["f1"], "relation_f1": result["relations"]["micro"]["f1"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a config override for every run")
    args = parser.parse_args()

    from vner.training.tiny_phobert import build_tiny_phobert, read_texts, segment_sentences

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sentences = [words for text in read_texts(SEEDS_DIR) for words in segment_sentences(text)]
        encoder = build_tiny_phobert(sentences, work / "encoder", vocab_size=1000)
        rows = [run(encoder, work, processes, seed, args.set) for seed in args.seeds for processes in (1, 2)]

    print("| processes | seed | steps | final loss | entity F1 | relation F1 | seconds |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['processes']} | {row['seed']} | {row['steps']} | {row['loss']:.4f} | {row['entity_f1']:.4f} "
              f"| {row['relation_f1']:.4f} | {row['seconds']} |")
    for key in ("loss", "entity_f1", "relation_f1"):
        by_mode = {p: [r[key] for r in rows if r["processes"] == p] for p in (1, 2)}
        gaps = [abs(a - b) for a, b in zip(by_mode[1], by_mode[2])]
        spread = max(by_mode[1]) - min(by_mode[1])
        print(f"{key}: 1 process {statistics.mean(by_mode[1]):.4f}, 2 processes {statistics.mean(by_mode[2]):.4f}; "
              f"largest 1-vs-2 gap at equal seed {max(gaps):.4f}; spread of 1 process over seeds {spread:.4f}")


if __name__ == "__main__":
    main()
