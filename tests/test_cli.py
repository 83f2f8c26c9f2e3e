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
