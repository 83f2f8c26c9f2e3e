"""`vner tag`: hostile inputs, one line per input, resume after a kill, workers, stdin."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import SEEDS
from vner.cli import main
from vner.model.document import read_jsonl
from vner.serving.batch import completed_ids, tag_inputs


def seed_sentences():
    texts = [d.text for d in read_jsonl(SEEDS / "gold.jsonl")]
    return [line for text in texts for line in text.splitlines() if len(line) > 40]


@pytest.fixture(scope="module")
def news_file(tmp_path_factory):
    """A JSONL feed of 300 short articles made of seed lines, with titles kept as meta."""
    lines = seed_sentences()
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(300):
            text = " ".join(lines[(i * 3 + k) % len(lines)] for k in range(3))
            handle.write(json.dumps({"id": f"a{i:03d}", "title": f"bài {i}", "text": text}, ensure_ascii=False) + "\n")
    return path


def output_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_hostile_inputs_give_one_line_each_and_the_run_goes_on(exported_tiny, tmp_path):
    big = (SEEDS / "002_cedae3f06a4f5a7c.txt").read_text(encoding="utf-8")
    feed = tmp_path / "hostile.jsonl"
    rows = [
        '{"id": "ok", "text": "Phó Chủ tịch UBND tỉnh Bùi Văn Khắng chủ trì cuộc họp."}',
        '{"id": "empty", "text": ""}',
        '{"id": "blank", "text": "   \\n\\t "}',
        '{"id": "no-text", "title": "x"}',
        '{"id": "number", "text": 42}',
        "{this is not json",
        json.dumps({"id": "html", "text": "<html><body><p>UBND t&#7881;nh Qu&aacute;ng Ninh</p></body></html>"}),
        json.dumps({"id": "huge", "text": big * (1_000_000 // len(big.encode("utf-8")) + 1)}, ensure_ascii=False),
    ]
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "latin1.txt").write_bytes("Hà Nội".encode("utf-16"))
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    inputs = [str(feed), str(tmp_path / "binary.txt"), str(tmp_path / "latin1.txt"), str(tmp_path / "empty.txt")]
    summary = tag_inputs(inputs, out, model=str(exported_tiny), progress=False)
    lines = output_lines(out)
    assert summary.documents == len(lines) == len(rows) + 3
    by_id = {line["id"]: line for line in lines}
    for bad in ("empty", "blank", "no-text", "number", "binary", "latin1", "empty"):
        assert by_id[bad]["error"], bad
    assert any(line["id"].endswith(":line 6") and line["error"] for line in lines), [x["id"] for x in lines]
    for good in ("ok", "html", "huge"):
        assert "error" not in by_id[good]
        text = by_id[good]["text"]
        assert all(text[e["start"] : e["end"]] == e["text"] for e in by_id[good]["entities"])
    assert len(by_id["huge"]["text"].encode("utf-8")) > 1_000_000
    assert summary.errors == 8


def test_metadata_is_kept_and_order_is_the_input_order(exported_tiny, news_file, tmp_path):
    out = tmp_path / "out.jsonl"
    tag_inputs([str(news_file)], out, model=str(exported_tiny), progress=False, batch_size=8)
    lines = output_lines(out)
    assert [line["id"] for line in lines] == [f"a{i:03d}" for i in range(300)]
    assert lines[7]["title"] == "bài 7"


def test_resume_skips_done_ids_and_repairs_a_torn_line(exported_tiny, news_file, tmp_path):
    out = tmp_path / "out.jsonl"
    # FP32 so that the resumed run's different batches give byte-identical lines.
    tag_inputs([str(news_file)], out, model=str(exported_tiny), progress=False, precision="fp32")
    full = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(full[:40]) + full[40][: len(full[40]) // 2], encoding="utf-8")  # killed mid-line
    assert len(completed_ids(out)) == 40
    summary = tag_inputs([str(news_file)], out, model=str(exported_tiny), resume=True, progress=False,
                         precision="fp32")
    assert summary.skipped == 40 and summary.documents == 260
    assert out.read_text(encoding="utf-8").splitlines(keepends=True) == full


def test_completed_ids_keeps_lines_after_a_bad_one(tmp_path, caplog):
    out = tmp_path / "out.jsonl"
    lines = [json.dumps({"id": "a"}), "not json", json.dumps({"text": "no id"}), json.dumps({"id": "b"})]
    out.write_text("\n".join(lines) + "\n" + '{"id": "c", "te', encoding="utf-8")
    assert completed_ids(out) == {"a", "b"}
    assert out.read_text(encoding="utf-8") == "\n".join(lines) + "\n"  # only the torn tail is cut
    assert "out.jsonl:2: not a tagged document" in caplog.text


def test_resume_after_kill_9_loses_nothing(exported_tiny, news_file, tmp_path):
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "vner", "tag", str(news_file), "-o", str(out), "--model", str(exported_tiny),
               "-q", "--batch-size", "4"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text(encoding="utf-8").count("\n") < 40):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    written = out.read_text(encoding="utf-8").count("\n")
    assert 40 <= written < 300, "the run should have been killed part-way"
    done = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ids = [line["id"] for line in output_lines(out)]
    assert sorted(ids) == [f"a{i:03d}" for i in range(300)]  # no duplicate, no missing id


def test_workers_give_the_same_output(exported_tiny, news_file, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    tag_inputs([str(news_file)], one, model=str(exported_tiny), progress=False, precision="fp32")
    tag_inputs([str(news_file)], two, model=str(exported_tiny), progress=False, precision="fp32", workers=2)
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def test_stdin_and_stdout(exported_tiny):
    text = "Bí thư Tỉnh ủy Quảng Ninh Nguyễn Xuân Ký phát biểu."
    done = subprocess.run([sys.executable, "-m", "vner", "tag", "-", "-o", "-", "--model", str(exported_tiny), "-q"],
                          input=text, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["id"] == "stdin" and line["text"] == text


def test_cli_tag_with_rules(exported_tiny):
    text = "Bí thư Tỉnh ủy Quảng Ninh Nguyễn Xuân Ký phát biểu."
    command = [sys.executable, "-m", "vner", "tag", "-", "-o", "-", "--model", str(exported_tiny), "-q"]
    lines = {}
    for flag in ("--rules", "--no-rules"):
        done = subprocess.run([*command, flag], input=text, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        (lines[flag],) = [json.loads(x) for x in done.stdout.splitlines()]
    ruled = {(e["type"], e["text"]) for e in lines["--rules"]["entities"]}
    assert {("POS", "Bí thư"), ("ORG", "Tỉnh ủy Quảng Ninh"), ("PER", "Nguyễn Xuân Ký")} <= ruled
    assert {"has_position", "affiliated_with"} <= {r["type"] for r in lines["--rules"]["relations"]}


def test_cli_evaluate_takes_rules_only_with_a_model(capsys):
    assert main(["evaluate", "--labeller", "weak", "--data", str(SEEDS / "gold.jsonl"), "--rules"]) == 2
    assert "go with --model" in capsys.readouterr().err


def test_cli_tag_reports_a_missing_model(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Hà Nội.", encoding="utf-8")
    code = main(["tag", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--model", str(tmp_path / "none"),
                 "-q"])
    assert code == 1
    assert "not an exported vner model" in capsys.readouterr().err


def test_cli_tag_fails_when_no_input_could_be_read(exported_tiny, tmp_path):
    out = tmp_path / "o.jsonl"
    command = ["tag", "-o", str(out), "--model", str(exported_tiny), "-q"]
    assert main([*command, str(tmp_path / "typo.txt")]) == 1  # a wrong path is a failure, not a quiet success
    (line,) = output_lines(out)
    assert line["id"] == "typo" and "no such file" in line["error"]
    (tmp_path / "a.txt").write_text("Hà Nội.", encoding="utf-8")
    assert main([*command, str(tmp_path / "a.txt"), str(tmp_path / "typo.txt")]) == 0  # one bad input of two
    assert [line.get("error") is None for line in output_lines(out)] == [True, False]
