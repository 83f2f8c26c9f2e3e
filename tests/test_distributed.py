"""Multi-process training: configs/tiny.yaml under `accelerate launch` with 2 CPU processes trains like 1 process.

`accelerate launch --cpu --num_processes 2` starts ONE process (accelerate's single-process
launcher); `--multi_gpu` is its torchrun launcher, which gives each process gloo on a machine
without CUDA. The summary's ``processes`` says how many really ran.
"""

import json
import os
import subprocess
import sys

from conftest import REPO, SEEDS
from vner.training.evaluate import evaluate_model

# Tolerances measured with benchmarks/distributed.py (configs/tiny.yaml, seeds 1-7 and 42, 1 thread per
# process): at equal seed, 1 and 2 processes differed by at most 0.024 entity F1, 0.038 final loss and
# 0.033 relation F1, while one process alone moved by 0.043 entity F1, 0.038 loss and 0.17 relation F1
# from seed to seed. Two processes cannot match one exactly: dropout draws differ per process, each
# process normalises the loss over its half of the batch, and an epoch's short last batch is topped up
# so that both processes take part in every step. About twice the largest gap:
ENTITY_F1_TOLERANCE = 0.05
LOSS_TOLERANCE = 0.06
RELATION_F1_TOLERANCE = 0.08

LAUNCH_ONE = [sys.executable]
LAUNCH_TWO = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
              "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
              "--main_process_port", "0"]


def train_tiny(encoder, output, launcher: list[str], *overrides: str) -> dict:
    """configs/tiny.yaml on the seeds (no ONNX export) through the CLI; the run summary."""
    settings = [f"model.encoder={encoder}", f"output.dir={output}", "output.export_onnx=false", *overrides]
    command = [*launcher, "-m", "vner.cli", "train", "--config", "configs/tiny.yaml", "-q",
               *(arg for item in settings for arg in ("--set", item))]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # two processes on two cores
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((output / "run_summary.json").read_text())


def test_two_cpu_processes_train_like_one(tiny_phobert_dir, tmp_path):
    runs = {1: train_tiny(tiny_phobert_dir, tmp_path / "one", LAUNCH_ONE),
            2: train_tiny(tiny_phobert_dir, tmp_path / "two", LAUNCH_TWO)}
    assert runs[1]["processes"] == 1 and runs[2]["processes"] == 2
    # training.batch_size is the global batch: each process takes half, so the steps are the same.
    assert runs[1]["steps"] == runs[2]["steps"] and runs[1]["epochs"] == runs[2]["epochs"] == 30
    scores = {n: evaluate_model(tmp_path / name, SEEDS / "gold.jsonl") for n, name in ((1, "one"), (2, "two"))}
    entity_f1 = {n: s["entities"]["micro"]["f1"] for n, s in scores.items()}
    relation_f1 = {n: s["relations"]["micro"]["f1"] for n, s in scores.items()}
    loss = {n: run["history"][-1]["loss"] for n, run in runs.items()}
    print(f"\nentity F1 {entity_f1}, relation F1 {relation_f1}, final loss {loss}, "
          f"seconds {({n: run['seconds'] for n, run in runs.items()})}")
    assert min(entity_f1.values()) > 0.45  # both learnt: the comparison is not of two untrained models
    assert abs(entity_f1[1] - entity_f1[2]) <= ENTITY_F1_TOLERANCE
    assert abs(loss[1] - loss[2]) <= LOSS_TOLERANCE
    assert abs(relation_f1[1] - relation_f1[2]) <= RELATION_F1_TOLERANCE


def test_every_process_stops_early_together(tiny_phobert_dir, tmp_path):
    # Dev F1 stays 0 for the first epochs, so patience 2 stops at epoch 3. Had only the main process
    # stopped, the other would wait in epoch 4's gradient all-reduce until the timeout.
    run = train_tiny(tiny_phobert_dir, tmp_path, LAUNCH_TWO, "data.dev_fraction=0.2", "training.epochs=12",
                     "training.early_stopping_patience=2", "model.max_length=128", "output.export_onnx=true")
    assert run["processes"] == 2 and run["documents"]["dev"] == 1
    assert run["epochs"] < 12 and len(run["history"]) == run["epochs"]
    assert all("entity_f1" in record for record in run["history"])
    saved = json.loads((tmp_path / "config.json").read_text())["vner"]
    assert saved["best_epoch"] == run["best_epoch"]
    # the main process alone exports, once the model is complete
    manifest = json.loads((tmp_path / "onnx" / "manifest.json").read_text())
    assert manifest["parity"]["fp32_identical_entities"]
