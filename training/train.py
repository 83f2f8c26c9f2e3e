"""The training loop: config in, model directory out.

Accelerate runs it on CPU, one GPU, or several processes (``accelerate launch
--num_processes N -m vner.cli train …``; on CPU add ``--multi_gpu``, which is
accelerate's torchrun launcher, gloo on CPU), with mixed precision on GPU,
gradient accumulation, a linear warm-up schedule, early stopping on dev F1,
checkpoints to resume from, and a seed.

``training.batch_size`` is the global batch: with N processes each gets
``batch_size / N`` windows of every batch, so a config trains the same steps on
the same batches whatever the number of processes.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer

from vner.model.decode import word_subword_ids
from vner.model.document import Document, read_jsonl
from vner.model.schema import ENTITY_TYPES, RELATION_TYPES
from vner.model.subwords import BOS, EOS, PAD, SPECIAL_IDS, TOKENIZER_FILE, load_tokenizer, save_tokenizer
from vner.training.augment import drop_cues
from vner.training.config import ConfigError, TrainConfig
from vner.training.data import ExampleSource, build_dataset, collate, split_dev

log = logging.getLogger(__name__)

TOKENIZER_FILES = ("vocab.txt", "bpe.codes", "tokenizer_config.json", "special_tokens_map.json")
CHECKPOINT_DIR = "checkpoint"
SUMMARY_FILE = "run_summary.json"


def resolve_pretrained(name_or_path: str) -> Path:
    """A local directory for an encoder given as a directory or a hub name (downloaded once)."""
    path = Path(name_or_path)
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ConfigError(f"model.encoder: {path} has no config.json; is it a model directory?")
        return path
    if path.exists() or name_or_path.startswith((".", "/")):
        raise ConfigError(f"model.encoder: {name_or_path} is not a model directory")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name_or_path))
    except Exception as exc:  # no network, unknown repo, gated model: all end the same way
        raise ConfigError(
            f"model.encoder: cannot load {name_or_path!r} from the model hub ({type(exc).__name__}); "
            "give a local directory, or run where the hub is reachable"
        ) from exc


def check_labels(docs: Sequence[Document], source: str) -> None:
    """Fail early on entity or relation types outside the schema."""
    entity_names = {t.value for t in ENTITY_TYPES}
    relation_names = {r.value for r in RELATION_TYPES}
    for doc in docs:
        for ent in doc.entities:
            if ent.type not in entity_names:
                raise ConfigError(f"{source}: document {doc.id} has entity type {ent.type!r} outside the schema")
        for rel in doc.relations:
            if rel.type not in relation_names:
                raise ConfigError(f"{source}: document {doc.id} has relation type {rel.type!r} outside the schema")


def _read(path: str | None, key: str) -> list[Document]:
    if path is None:
        return []
    if not Path(path).exists():
        raise ConfigError(f"config key '{key}': file {path} does not exist")
    docs = [d for d in read_jsonl(path) if d.error is None]
    check_labels(docs, path)
    return docs


def load_documents(config: TrainConfig) -> tuple[list[Document], list[Document], list[Document]]:
    """(gold train, silver, dev) documents of a config.

    Gold training documents come from ``data.gold`` then ``data.extra_gold``, each ``data.gold_repeat``
    times. A silver document is left out when its article is excluded, in the dev set, or annotated in
    the gold (same id or same text): the gold labels supersede the labeller's. Silver mentions lose
    their cue words as ``data.silver_drop_cues`` says.
    """
    excluded = set(config.data.exclude_ids)
    all_gold = _read(config.data.gold, "data.gold")
    gold = [d for d in all_gold if d.id not in excluded]
    if config.data.dev:
        train, dev = gold, _read(config.data.dev, "data.dev")
    else:
        train, dev = split_dev(gold, config.data.dev_fraction, config.training.seed)
    extra = [d for path in config.data.extra_gold for d in _read(path, "data.extra_gold") if d.id not in excluded]
    train = [*train, *extra]
    held_ids = excluded | {d.id for d in train}
    held_texts = {d.text for d in [*dev, *train]} | {d.text for d in all_gold if d.id in excluded}
    silver = [d for d in _read(config.data.silver, "data.silver") if d.id not in held_ids and d.text not in held_texts]
    if config.data.silver_max_docs is not None:
        silver = silver[: config.data.silver_max_docs]
    silver = [drop_cues(d, config.data.silver_drop_cues, config.training.seed) for d in silver]
    if not train and not silver:
        raise ConfigError("no training documents: data.gold and data.silver are empty after exclusions")
    return train * config.data.gold_repeat, silver, dev


def _optimizer(model, config: TrainConfig):
    import torch

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = []
    for is_encoder, lr in ((True, config.training.learning_rate), (False, config.training.head_learning_rate)):
        for decay in (True, False):
            params = [
                p for n, p in model.named_parameters()
                if n.startswith("encoder.") == is_encoder and (not any(k in n for k in no_decay)) == decay
            ]
            if params:
                groups.append({"params": params, "lr": lr,
                               "weight_decay": config.training.weight_decay if decay else 0.0})
    return torch.optim.AdamW(groups)


def _copy_tokenizer(source: Path, target: Path, tokenizer) -> None:
    for name in TOKENIZER_FILES:
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    if isinstance(tokenizer, Tokenizer):  # not the slow fallback, which has no tokenizer.json
        save_tokenizer(tokenizer, target)


def _dev_scores(model, tokenizer, dev: Sequence[Document], config: TrainConfig) -> dict:
    from vner.training.evaluate import TorchPredictor, evaluate_predictions

    model.eval()
    predictor = TorchPredictor(model, tokenizer, config.model.segmenter, config.model.max_length,
                               config.training.eval_batch_size)
    result = evaluate_predictions(dev, predictor.predict_documents(dev), config.model.segmenter)
    model.train()
    return {
        "entity_f1": result["entities"]["micro"]["f1"],
        "relation_f1": result["relations"]["micro"]["f1"],
        "seqeval_f1": result["seqeval"]["micro avg"]["f1-score"],
    }


def _shared_dev_scores(accelerator, model, tokenizer, dev: Sequence[Document], config: TrainConfig) -> dict:
    """Dev scores computed on the main process and sent to every process, so that all of them take the same
    model-selection and early-stopping decisions (a process that stopped alone would hang the others)."""
    from accelerate.utils import broadcast_object_list

    scores = [_dev_scores(accelerator.unwrap_model(model), tokenizer, dev, config)
              if accelerator.is_main_process else None]
    return broadcast_object_list(scores)[0]


def _mean_loss(accelerator, losses: Sequence[float]) -> float:
    """The epoch's mean batch loss over every process (each saw its share of each batch)."""
    import torch

    # float64: one process reports exactly the Python mean it always did.
    local = torch.tensor(sum(losses) / max(len(losses), 1), dtype=torch.float64, device=accelerator.device)
    return accelerator.reduce(local, reduction="mean").item()


def train(config: TrainConfig, *, resume: bool = False, progress: bool = True) -> dict:
    """Train the joint model of ``config``; returns the run summary (also written to the output dir).

    Under ``accelerate launch`` every process calls this; only the main process writes the model,
    the summary and the tokenised-example cache.
    """
    import torch
    from accelerate import Accelerator
    from accelerate.utils import DataLoaderConfiguration, DistributedDataParallelKwargs, set_seed
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    from vner.model.network import JointModel

    started = time.time()
    output = Path(config.output.dir)
    encoder_dir = resolve_pretrained(config.model.encoder)
    tokenizer = load_tokenizer(encoder_dir)
    train_docs, silver_docs, dev_docs = load_documents(config)
    set_seed(config.training.seed)

    accelerator = Accelerator(
        gradient_accumulation_steps=config.training.gradient_accumulation,
        mixed_precision=config.training.mixed_precision,
        cpu=not torch.cuda.is_available(),
        # Each process takes its slice of every batch: the same batches and steps as one process.
        dataloader_config=DataLoaderConfiguration(split_batches=True),
        # A process whose slice holds no candidate pair leaves the relation head out of its loss.
        kwargs_handlers=[DistributedDataParallelKwargs(find_unused_parameters=True)],
    )
    if config.training.batch_size % accelerator.num_processes:
        raise ConfigError(f"config key 'training.batch_size' ({config.training.batch_size}) must be a multiple "
                          f"of the number of processes ({accelerator.num_processes}): it is the global batch")
    # The main process tokenises and writes the cache; the others then read it instead of tokenising again.
    with accelerator.main_process_first():
        dataset = build_dataset(
            [ExampleSource(train_docs),
             ExampleSource(silver_docs, config.data.silver_weight, config.data.silver_names_unknown)],
            lambda forms: word_subword_ids(tokenizer, forms),
            tokenizer_fingerprint=(encoder_dir / TOKENIZER_FILE).read_text(encoding="utf-8")
            if (encoder_dir / TOKENIZER_FILE).exists() else str(encoder_dir),
            bos_id=SPECIAL_IDS[BOS], eos_id=SPECIAL_IDS[EOS],
            segmenter=config.model.segmenter, max_length=config.model.max_length,
            cache_dir=output.parent / ".cache",
            progress=progress and accelerator.is_main_process,
        )
    if len(dataset) == 0:
        raise ConfigError("the training documents produced no example")
    generator = torch.Generator().manual_seed(config.training.seed)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=config.training.batch_size, shuffle=True, generator=generator,
        collate_fn=lambda rows: collate(rows, SPECIAL_IDS[PAD]),
    )
    model = JointModel.from_encoder(str(encoder_dir), dropout=config.model.dropout,
                                    relation_type_dim=config.model.relation_type_dim)
    optimizer = _optimizer(model, config)
    steps_per_epoch = math.ceil(len(loader) / config.training.gradient_accumulation)
    total_steps = config.training.max_steps or steps_per_epoch * config.training.epochs
    epochs = math.ceil(total_steps / steps_per_epoch)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(config.training.warmup_ratio * total_steps), total_steps
    )
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)

    state = {"epoch": 0, "step": 0, "best_f1": -1.0, "best_epoch": None, "patience": 0, "history": []}
    checkpoint = output / CHECKPOINT_DIR
    if resume and (checkpoint / "trainer_state.json").exists():
        accelerator.load_state(str(checkpoint))
        state = json.loads((checkpoint / "trainer_state.json").read_text())
        log.info("resumed from %s at epoch %d, step %d", checkpoint, state["epoch"], state["step"])

    def save_model(directory: Path, extra: dict) -> None:
        accelerator.unwrap_model(model).save(directory, extra=extra)
        _copy_tokenizer(encoder_dir, directory, tokenizer)

    model_info = {
        "encoder": config.model.encoder,
        "segmenter": config.model.segmenter,
        "max_length": config.model.max_length,
        "rules": config.model.rules,
    }
    bar = tqdm(total=total_steps, initial=state["step"], desc="training", unit="step",
               disable=not (progress and accelerator.is_local_main_process))
    model.train()
    stop = False
    for epoch in range(state["epoch"], epochs):
        losses = []
        for batch in loader:
            with accelerator.accumulate(model):
                out = model(**batch, relation_weight=config.training.relation_weight)
                accelerator.backward(out["loss"])
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), config.training.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            losses.append(out["loss"].item())
            if accelerator.sync_gradients:
                state["step"] += 1
                bar.update()
                bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.4f}", dev_f1=state["best_f1"])
            if state["step"] >= total_steps:
                stop = True
                break
        record = {"epoch": epoch + 1, "step": state["step"], "loss": _mean_loss(accelerator, losses)}
        if dev_docs:
            record.update(_shared_dev_scores(accelerator, model, tokenizer, dev_docs, config))
            f1 = record["entity_f1"] + record["relation_f1"]
            if f1 > state["best_f1"]:
                state.update(best_f1=f1, best_epoch=epoch + 1, patience=0)
                if accelerator.is_main_process:
                    save_model(output, {**model_info, "best_epoch": epoch + 1, "dev": record})
            else:
                state["patience"] += 1
            bar.set_postfix(loss=f"{record['loss']:.4f}", dev_f1=f"{record['entity_f1']:.3f}")
        state["history"].append(record)
        state["epoch"] = epoch + 1
        if accelerator.is_main_process:
            log.info("epoch %d: %s", epoch + 1, record)
        accelerator.save_state(str(checkpoint))
        if accelerator.is_main_process:
            (checkpoint / "trainer_state.json").write_text(json.dumps(state, indent=2))
        if dev_docs and state["patience"] >= config.training.early_stopping_patience:
            log.info("early stop: no dev improvement in %d epochs", state["patience"])
            stop = True
        if stop:
            break
    bar.close()
    accelerator.wait_for_everyone()

    summary = {
        "config": config.to_dict(),
        "documents": {"gold": len(train_docs) // config.data.gold_repeat, "silver": len(silver_docs),
                      "dev": len(dev_docs)},
        "windows": len(dataset),
        "steps": state["step"],
        "epochs": state["epoch"],
        "history": state["history"],
        "best_epoch": state["best_epoch"],
        "seconds": round(time.time() - started, 1),
        "processes": accelerator.num_processes,
    }
    if accelerator.is_main_process:
        if not dev_docs:  # nothing to select on: the last model is the model
            save_model(output, {**model_info, "best_epoch": None})
        info_path = output / "config.json"
        config_json = json.loads(info_path.read_text(encoding="utf-8"))
        config_json["vner"]["training"] = {k: summary[k] for k in ("documents", "windows", "steps", "epochs")}
        info_path.write_text(json.dumps(config_json, indent=2, ensure_ascii=False), encoding="utf-8")
        (output / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    accelerator.wait_for_everyone()  # every process returns with the model directory complete
    return summary
