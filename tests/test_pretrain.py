"""Masked-language-model pretraining: packing, a short run on the seeds, and a second stage."""

from __future__ import annotations

import json

import pytest

from conftest import SEEDS
from vner.model.subwords import BOS, EOS, SPECIAL_IDS
from vner.training.pretrain import SUMMARY_FILE, main, pack_sequences

TINY_SHAPE = ["--vocab-size", "600", "--hidden-size", "32", "--layers", "1", "--heads", "2",
              "--intermediate-size", "64", "--batch-size", "8", "--max-length", "64"]


def test_sentences_are_packed_whole_between_specials():
    bos, eos = SPECIAL_IDS[BOS], SPECIAL_IDS[EOS]
    packed = pack_sequences([[10] * 3, [11] * 2, [12] * 4, [13] * 9], max_length=8)
    # a budget of 6 subwords: 3 + 2 fit, 4 starts a new sequence, an over-long sentence is cut to 6
    assert packed == [[bos, 10, 10, 10, 11, 11, eos], [bos, 12, 12, 12, 12, eos], [bos, *[13] * 6, eos]]


def encoder_weights(directory):
    from safetensors.torch import load_file

    return load_file(str(directory / "model.safetensors"))


def test_pretraining_learns_and_a_second_stage_continues_from_its_encoder(tmp_path):
    import torch
    import transformers

    first = tmp_path / "encoder"
    assert main(["--corpus", str(SEEDS), "--output", str(first), "--steps", "30", "--learning-rate", "2e-3",
                 *TINY_SHAPE]) == 0
    summary = json.loads((first / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert summary["steps"] == 30 and summary["sequences"] > 8
    assert summary["history"][-1]["heldout_loss"] < summary["history"][0]["heldout_loss"]
    # a usable encoder directory: model and tokenizer load through the transformers API
    assert transformers.AutoModel.from_pretrained(first).config.hidden_size == 32
    assert transformers.AutoTokenizer.from_pretrained(first)("Hà_Nội")["input_ids"][0] == SPECIAL_IDS[BOS]

    # with a learning rate of 0 the second stage must hand back exactly the encoder it started from
    second = tmp_path / "encoder-2"
    assert main(["--corpus", str(SEEDS), "--output", str(second), "--continue-from", str(first),
                 "--steps", "2", "--learning-rate", "0", *TINY_SHAPE]) == 0
    assert not (tmp_path / "encoder-2-init").exists()  # no new encoder was built
    before, after = encoder_weights(first), encoder_weights(second)
    assert before.keys() == after.keys()
    assert all(torch.equal(before[name], after[name]) for name in before)
    assert (second / "vocab.txt").read_bytes() == (first / "vocab.txt").read_bytes()


def test_continuing_from_a_directory_without_an_encoder_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--corpus", str(SEEDS), "--output", str(tmp_path / "out"), "--continue-from", str(tmp_path)])
    assert stop.value.code == 2
    assert "config.json missing" in capsys.readouterr().err


def test_articles_a_config_excludes_are_left_out_of_pretraining(tmp_path, capsys):
    seeds = sorted(SEEDS.glob("*.txt"))
    config = tmp_path / "exclude.yaml"
    excluded = ", ".join(path.stem for path in seeds[1:])
    config.write_text(f"model: {{encoder: unused}}\ndata: {{exclude_ids: [{excluded}]}}\n", encoding="utf-8")
    sequences = {}
    for name, extra in (("all", []), ("first", ["--exclude-from", str(config)])):
        assert main(["--corpus", str(SEEDS), "--output", str(tmp_path / name), "--steps", "1", *TINY_SHAPE,
                     *extra]) == 0
        sequences[name] = json.loads((tmp_path / name / SUMMARY_FILE).read_text(encoding="utf-8"))["sequences"]
    assert 0 < sequences["first"] < sequences["all"]

    with pytest.raises(SystemExit) as stop:
        main(["--corpus", str(SEEDS), "--output", str(tmp_path / "out"), "--exclude-from", str(tmp_path / "none.yaml")])
    assert stop.value.code == 2
    assert "does not exist" in capsys.readouterr().err
