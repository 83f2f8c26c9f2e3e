"""Training configs: YAML files validated on load, with clear errors that name the key.

A config has four sections; every key has a default except ``model.encoder``::

    model:    {encoder, segmenter, max_length, dropout, relation_type_dim}
    data:     {gold, extra_gold, gold_repeat, silver, silver_weight, silver_names_unknown, silver_drop_cues,
               dev, dev_fraction, silver_max_docs, exclude_ids}
    training: {epochs, max_steps, batch_size, learning_rate, head_learning_rate, ...}
    output:   {dir, export_onnx, int8}
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vner.model.words import DEFAULT_SEGMENTER, SEGMENTERS


class ConfigError(ValueError):
    """A config that cannot be used; the message names the offending key."""


@dataclass
class ModelSection:
    encoder: str = ""  # hub name (vinai/phobert-base) or a local directory
    segmenter: str = DEFAULT_SEGMENTER
    max_length: int = 256
    rules: bool = False  # the rule-based labeller runs beside the model at prediction (vner.model.decode)
    dropout: float = 0.1
    relation_type_dim: int = 32


@dataclass
class DataSection:
    gold: str | None = "seeds/gold.jsonl"  # null: train on silver only (to score on the seeds as unseen)
    # More gold files, always trained on: cross-validation (vner cv) folds over data.gold only.
    extra_gold: list[str] = field(default_factory=list)
    gold_repeat: int = 1  # each gold training document is seen this many times an epoch (against much silver)
    silver: str | None = None  # weak labels made by `vner label`
    silver_weight: float = 0.5  # loss weight of silver windows relative to gold
    # Silver words the labeller left untyped that look like names (capitalised, not opening a sentence or
    # a quote) carry no tag loss: the rules' silence there is not evidence of O.
    silver_names_unknown: bool = False
    # The share of silver mentions opened by a cue word (tỉnh, Công ty) that lose it, text and span
    # together, so the model also sees the names bare (vner.training.augment).
    silver_drop_cues: float = 0.0
    silver_max_docs: int | None = None
    dev: str | None = None  # a dev file; without one, dev_fraction of the gold documents
    dev_fraction: float = 0.2
    exclude_ids: list[str] = field(default_factory=list)  # gold or silver documents left out (CV, held-out)


@dataclass
class TrainingSection:
    epochs: int = 10
    max_steps: int | None = None
    batch_size: int = 16
    gradient_accumulation: int = 1
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    relation_weight: float = 1.0
    early_stopping_patience: int = 3
    seed: int = 42
    mixed_precision: str = "no"  # no | fp16 | bf16 (GPU)
    eval_batch_size: int = 32


@dataclass
class OutputSection:
    dir: str = "runs/model"
    export_onnx: bool = False
    int8: bool = True


@dataclass
class TrainConfig:
    model: ModelSection = field(default_factory=ModelSection)
    data: DataSection = field(default_factory=DataSection)
    training: TrainingSection = field(default_factory=TrainingSection)
    output: OutputSection = field(default_factory=OutputSection)
    source: str | None = None  # the file it was read from

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("source")
        return data


def _sections() -> dict[str, type]:
    hints = typing.get_type_hints(TrainConfig)
    return {name: hint for name, hint in hints.items() if name != "source"}


def _check_value(key: str, value: Any, hint: Any) -> Any:
    """Coerce ``value`` to the type ``hint`` or raise ConfigError naming ``key``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if value is None:
        if type(None) in args:
            return None
        raise ConfigError(f"config key '{key}' must not be empty")
    if args and type(None) in args:  # Optional[X]
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"config key '{key}' must be a list, got {value!r}")
        return [str(v) for v in value]
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"config key '{key}' must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"config key '{key}' must be a whole number, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, str):  # YAML 1.1 reads 1e-4 (no dot) as a string
            try:
                return float(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"config key '{key}' must be a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ConfigError(f"config key '{key}' must be a string, got {value!r}")
        return str(value)
    raise ConfigError(f"config key '{key}' has an unsupported type")


def _section(name: str, cls: type, values: Any) -> Any:
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ConfigError(f"config section '{name}' must be a mapping")
    known = typing.get_type_hints(cls)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown config key '{name}.{unknown[0]}' (known: {', '.join(sorted(known))})")
    checked = {key: _check_value(f"{name}.{key}", values[key], known[key]) for key in values}
    return cls(**checked)


def config_from_dict(data: dict[str, Any], source: str | None = None) -> TrainConfig:
    """Validate a config mapping; ``ConfigError`` names the first bad key."""
    if not isinstance(data, dict):
        raise ConfigError("a config must be a mapping of sections")
    known = _sections()
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown config section '{unknown[0]}' (known: {', '.join(known)})")
    sections = {name: _section(name, cls, data.get(name)) for name, cls in known.items()}
    config = TrainConfig(**sections, source=source)
    _check_ranges(config)
    return config


def _check_ranges(config: TrainConfig) -> None:
    if not config.model.encoder:
        raise ConfigError("config key 'model.encoder' is required (a hub name or a local model directory)")
    if config.model.segmenter not in SEGMENTERS:
        raise ConfigError(f"config key 'model.segmenter' must be one of {', '.join(SEGMENTERS)}")
    if not 8 <= config.model.max_length <= 256:
        raise ConfigError("config key 'model.max_length' must be between 8 and 256 (PhoBERT's limit)")
    if config.training.mixed_precision not in ("no", "fp16", "bf16"):
        raise ConfigError("config key 'training.mixed_precision' must be no, fp16 or bf16")
    if not 0.0 <= config.data.dev_fraction < 1.0:
        raise ConfigError("config key 'data.dev_fraction' must be in [0, 1)")
    if not 0.0 <= config.data.silver_drop_cues <= 1.0:
        raise ConfigError("config key 'data.silver_drop_cues' must be in [0, 1]")
    if config.data.gold_repeat < 1:
        raise ConfigError("config key 'data.gold_repeat' must be at least 1")
    for key in ("epochs", "batch_size", "gradient_accumulation", "eval_batch_size"):
        if getattr(config.training, key) < 1:
            raise ConfigError(f"config key 'training.{key}' must be at least 1")
    if config.training.learning_rate <= 0 or config.training.head_learning_rate <= 0:
        raise ConfigError("config key 'training.learning_rate' must be positive")


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``section.key=value`` overrides (values parsed as YAML) to a raw config mapping."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or key.count(".") != 1:
            raise ConfigError(f"override {item!r} must look like section.key=value")
        section, name = key.split(".")
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            raise ConfigError(f"config section '{section}' must be a mapping")
        data[section][name] = yaml.safe_load(raw)
    return data


def load_config(path: str | Path, overrides: list[str] | None = None) -> TrainConfig:
    """Read, override and validate a YAML config."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    return config_from_dict(apply_overrides(data, overrides or []), source=str(path))
