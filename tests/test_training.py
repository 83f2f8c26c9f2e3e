"""Training, saving, loading, evaluating and cross-validating on the offline tiny PhoBERT."""

import json

import numpy as np
import pytest

from conftest import SEEDS, tiny_train_config
from vner.model.document import read_jsonl, write_jsonl
from vner.training.config import ConfigError, config_from_dict, load_config
from vner.training.cv import cross_validate
from vner.training.evaluate import TorchPredictor, evaluate_model
from vner.training.train import train

tiny_config = tiny_train_config


@pytest.fixture
def trained(trained_tiny):
    return trained_tiny


def test_training_lowers_the_loss(trained):
    _, summary = trained
    losses = [epoch["loss"] for epoch in summary["history"]]
    assert len(losses) == 6
    assert losses[-1] < losses[0] * 0.8


def test_model_directory_holds_everything(trained):
    output, summary = trained
    for name in ("config.json", "model.safetensors", "vocab.txt", "bpe.codes", "tokenizer.json", "run_summary.json"):
        assert (output / name).exists(), name
    config = json.loads((output / "config.json").read_text())
    assert config["vner"]["schema"]["entity_types"] == ["PER", "ORG", "LOC", "POS", "DOC", "DATE"]
    assert config["vner"]["training"]["steps"] == summary["steps"]


def test_save_then_load_gives_identical_outputs(trained, tmp_path):
    from vner.model.network import JointModel

    output, _ = trained
    model = JointModel.load(output).eval()
    model.save(tmp_path / "again")
    again = JointModel.load(tmp_path / "again").eval()
    import torch

    ids = torch.tensor([[0, 100, 200, 300, 2]])
    mask = torch.ones_like(ids)
    with torch.no_grad():
        first, second = model.encode(ids, mask), again.encode(ids, mask)
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])


def test_predictions_are_deterministic_and_on_the_callers_text(trained):
    output, _ = trained
    predictor = TorchPredictor.from_directory(output)
    text = "Phó Chủ tịch UBND tỉnh Bùi Văn Khắng chủ trì cuộc họp ngày 24/2."
    first, second = predictor.predict([text]), predictor.predict([text])
    assert [e.to_dict() for e in first[0].entities] == [e.to_dict() for e in second[0].entities]
    assert all(text[e.start : e.end] == e.text for e in first[0].entities)


def test_evaluate_gives_seqeval_and_relation_reports(trained):
    output, _ = trained
    result = evaluate_model(output, SEEDS / "gold.jsonl")
    assert set(result) >= {"seqeval", "entities", "relations", "text"}
    assert result["seqeval"]["micro avg"]["support"] == 341 - result["seqeval"]["untaggable_gold"]
    assert 0.0 <= result["relations"]["micro"]["f1"] <= 1.0


def test_training_is_deterministic_with_a_seed(tiny_phobert_dir, tmp_path):
    runs = [train(tiny_config(tiny_phobert_dir, tmp_path / str(i), max_steps=3), progress=False) for i in range(2)]
    assert runs[0]["history"][0]["loss"] == runs[1]["history"][0]["loss"]


def test_resume_continues_from_the_checkpoint(tiny_phobert_dir, tmp_path):
    train(tiny_config(tiny_phobert_dir, tmp_path, epochs=1), progress=False)
    resumed = train(tiny_config(tiny_phobert_dir, tmp_path, epochs=2), resume=True, progress=False)
    assert [h["epoch"] for h in resumed["history"]] == [1, 2]


def test_early_stopping_selects_on_dev(tiny_phobert_dir, tmp_path):
    config = tiny_config(tiny_phobert_dir, tmp_path, epochs=3, early_stopping_patience=1)
    config.data.dev_fraction = 0.2
    summary = train(config, progress=False)
    assert summary["documents"]["dev"] == 1
    assert all("entity_f1" in h for h in summary["history"])
    assert summary["best_epoch"] is not None


def test_bad_configs_name_the_key(tmp_path, tiny_phobert_dir):
    with pytest.raises(ConfigError, match="training.epochs"):
        config_from_dict({"model": {"encoder": "x"}, "training": {"epochs": "ten"}})
    with pytest.raises(ConfigError, match="model.encodr"):
        config_from_dict({"model": {"encodr": "x"}})
    with pytest.raises(ConfigError, match="model.encoder"):
        config_from_dict({"model": {}})
    path = tmp_path / "c.yaml"
    path.write_text("model: {encoder: x}\ntraining: [1, 2]\n")
    with pytest.raises(ConfigError, match="section 'training'"):
        load_config(path)
    with pytest.raises(ConfigError, match="model.encoder"):
        train(tiny_config(tmp_path / "missing-dir", tmp_path / "out"), progress=False)


def test_labels_outside_the_schema_fail_early(tiny_phobert_dir, tmp_path):
    docs = list(read_jsonl(SEEDS / "gold.jsonl"))
    docs[0].entities[0].type = "PERSON"
    write_jsonl(docs, tmp_path / "bad.jsonl")
    config = tiny_config(tiny_phobert_dir, tmp_path / "out")
    config.data.gold = str(tmp_path / "bad.jsonl")
    with pytest.raises(ConfigError, match="PERSON"):
        train(config, progress=False)


def test_extra_gold_is_repeated_and_supersedes_the_silver_copy_of_its_article(tmp_path):
    from vner.training.train import load_documents

    seeds = list(read_jsonl(SEEDS / "gold.jsonl"))
    write_jsonl(seeds[:2], tmp_path / "gold.jsonl")
    write_jsonl(seeds[2:4], tmp_path / "extra.jsonl")
    # The labeller's copy of an extra-gold article (fewer entities), one of a gold seed under another id,
    # and an article no gold holds.
    silver_copy = next(read_jsonl(tmp_path / "extra.jsonl"))
    silver_copy.entities, silver_copy.relations = silver_copy.entities[:1], []
    renamed = list(read_jsonl(tmp_path / "gold.jsonl"))[0]
    renamed.id = "repost"
    write_jsonl([silver_copy, renamed, seeds[4]], tmp_path / "silver.jsonl")
    config = config_from_dict({"model": {"encoder": "x"}, "data": {
        "gold": str(tmp_path / "gold.jsonl"), "extra_gold": [str(tmp_path / "extra.jsonl")], "gold_repeat": 3,
        "silver": str(tmp_path / "silver.jsonl"), "dev_fraction": 0.0}})
    train_docs, silver, dev = load_documents(config)
    assert [d.id for d in train_docs] == [d.id for d in seeds[:4]] * 3
    assert [d.id for d in silver] == [seeds[4].id] and dev == []
    config.data.exclude_ids = [seeds[3].id]
    assert seeds[3].id not in {d.id for d in load_documents(config)[0]}
    with pytest.raises(ConfigError, match="data.gold_repeat"):
        config_from_dict({"model": {"encoder": "x"}, "data": {"gold_repeat": 0}})
    with pytest.raises(ConfigError, match="data.extra_gold"):
        config_from_dict({"model": {"encoder": "x"}, "data": {"extra_gold": "one.jsonl"}})


def test_overrides_and_the_shipped_configs(tmp_path):
    from vner.training.config import apply_overrides

    for name in ("phobert-base", "phobert-base-v2", "phobert-large", "tiny"):
        config = load_config(SEEDS.parent / "configs" / f"{name}.yaml", ["training.epochs=2", "model.max_length=128"])
        assert config.training.epochs == 2 and config.model.max_length == 128
    assert load_config(SEEDS.parent / "configs" / "phobert-base.yaml").model.encoder == "vinai/phobert-base"
    assert not load_config(SEEDS.parent / "configs" / "tiny.yaml").model.rules
    assert load_config(SEEDS.parent / "configs" / "tiny.yaml", ["model.rules=true"]).model.rules is True
    with pytest.raises(ConfigError, match="section.key=value"):
        apply_overrides({}, ["epochs=2"])


def test_cross_validation_runs_end_to_end(tiny_phobert_dir, tmp_path):
    summary = cross_validate(tiny_config(tiny_phobert_dir, tmp_path, max_steps=2), tmp_path / "cv", progress=False)
    assert len(summary["folds"]) == 5
    assert {f["held_out"] for f in summary["folds"]} == {p.stem for p in SEEDS.glob("*.txt")}
    assert 0.0 <= summary["entity_f1"]["mean"] <= 1.0
    assert (tmp_path / "cv" / "cv_summary.json").exists()
    assert np.isfinite(summary["relation_f1"]["std"])
