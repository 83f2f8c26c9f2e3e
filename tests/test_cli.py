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
