import subprocess
import sys

import pytest

from vner.cli import build_parser, main

VERBS = sorted(build_parser()._subparsers._group_actions[0].choices)


def test_the_verbs_of_the_brief_are_all_there():
    assert {"validate", "convert", "label", "train", "evaluate", "export", "tag", "cv"} <= set(VERBS)


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([verb, "--help"])
    assert exit_info.value.code == 0
    assert "usage: vner " + verb in capsys.readouterr().out


def test_bad_usage_exits_2():
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-verb"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("option", [["tag", "--batch-size", "0"], ["tag", "--workers", "-1"], ["tag", "--threads", "x"],
                                    ["show", "--limit", "0"]])
def test_counts_below_one_are_bad_usage(option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*option, "in.txt", "-o", "out.jsonl"] if option[0] == "tag" else [*option, "in.jsonl"])
    assert exit_info.value.code == 2
    assert f"argument {option[1]}:" in capsys.readouterr().err


def test_console_script_runs_as_module():
    done = subprocess.run([sys.executable, "-m", "vner", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("vner ")


def test_outputs_into_a_new_folder_make_the_folder(tmp_path):
    """``-o`` into a folder that does not exist yet creates it, for labelling, tagging and the reports."""
    article = tmp_path / "a.txt"
    article.write_text("Ngày 2/3/2018, UBND tỉnh Quảng Ninh ban hành Kế hoạch số 45/KH-UBND.", encoding="utf-8")
    silver = tmp_path / "new" / "silver" / "out.jsonl"
    assert main(["label", str(article), "-o", str(silver), "--no-progress"]) == 0
    assert silver.exists()
    page = tmp_path / "pages" / "show.html"
    assert main(["show", str(silver), "-o", str(page)]) == 0
    assert page.read_text(encoding="utf-8").startswith("<!")
    report = tmp_path / "reports" / "weak.json"
    assert main(["evaluate", "--labeller", "weak", "--data", str(silver), "--json", str(report)]) == 0
    assert report.exists()
    tagged = tmp_path / "tagged" / "out.jsonl"
    assert main(["tag", str(article), "-o", str(tagged), "--quiet"]) == 0
    assert tagged.read_text(encoding="utf-8").count("\n") == 1


def test_logs_are_vners_own_unless_verbose(trained_tiny, tmp_path):
    export = ["export", "--model", str(trained_tiny[0]), "--int8-only", "--output"]
    quiet = subprocess.run([sys.executable, "-m", "vner", *export, str(tmp_path / "a")], capture_output=True, text=True)
    assert quiet.returncode == 0, quiet.stderr
    assert "INFO vner.training.export: parity" in quiet.stderr
    assert "INFO root" not in quiet.stderr  # onnxruntime's quantiser logs every tensor to the root logger
    verbose = subprocess.run([sys.executable, "-m", "vner", "-v", *export, str(tmp_path / "b")], capture_output=True,
                             text=True)
    assert "INFO root" in verbose.stderr


def test_evaluate_scores_a_file_of_predictions_and_refuses_one_that_does_not_match(tmp_path, capsys):
    """``vner evaluate --predictions`` scores ``vner tag``'s output for the gold texts: the gold itself scores
    1.0; a missing document, an error line, another text or a document the gold lacks is an error naming it."""
    import json

    from conftest import SEEDS
    from vner.model.document import Document, read_jsonl, write_jsonl

    gold = list(read_jsonl(SEEDS / "gold.jsonl"))[:2]
    write_jsonl(gold, tmp_path / "gold.jsonl")
    write_jsonl(gold, tmp_path / "same.jsonl")
    args = ["evaluate", "--data", str(tmp_path / "gold.jsonl"), "--predictions"]
    assert main([*args, str(tmp_path / "same.jsonl"), "--json", str(tmp_path / "r.json")]) == 0
    figures = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert figures["entities"]["micro"]["f1"] == figures["relations"]["micro"]["f1"] == 1.0
    assert "seqeval" in figures
    capsys.readouterr()
    write_jsonl(gold[:1], tmp_path / "short.jsonl")
    assert main([*args, str(tmp_path / "short.jsonl")]) == 1
    assert f"no prediction for document {gold[1].id}" in capsys.readouterr().err
    failed = [gold[0], Document(gold[1].id, gold[1].text, error="unreadable")]
    write_jsonl(failed, tmp_path / "failed.jsonl")
    assert main([*args, str(tmp_path / "failed.jsonl")]) == 1
    assert "error line" in capsys.readouterr().err
    edited = [gold[0], Document(gold[1].id, gold[1].text + " x")]
    write_jsonl(edited, tmp_path / "edited.jsonl")
    assert main([*args, str(tmp_path / "edited.jsonl")]) == 1
    assert "another text" in capsys.readouterr().err
    write_jsonl([*gold, Document("stray", "Hà Nội.")], tmp_path / "more.jsonl")
    assert main([*args, str(tmp_path / "more.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "predictions for documents not in" in err and "stray" in err
