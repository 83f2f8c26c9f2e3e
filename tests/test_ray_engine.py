"""`vner tag --engine ray`: Ray Data on a local instance gives the local engine's output, document by document."""

import gzip
import itertools
import json
import subprocess
import sys

import pytest
import ray

from conftest import SHARED
from vner.cli import main
from vner.serving.batch import tag_inputs

FEED = SHARED / "data" / "news_mixed_feed.jsonl.gz"
DOCUMENTS = 300
MAX_CHARS = 400  # short articles keep the test fast; the engine does not care about length


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """300 articles of the mixed feed, cut short, then bad lines: empty text, no text, invalid JSON."""
    path = tmp_path_factory.mktemp("ray_feed") / "feed.jsonl"
    with gzip.open(FEED, "rt", encoding="utf-8") as source, open(path, "w", encoding="utf-8") as out:
        for line in itertools.islice(source, DOCUMENTS):
            row = json.loads(line)
            if isinstance(row.get("text"), str):
                row["text"] = row["text"][:MAX_CHARS]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.write('{"id": "empty", "text": ""}\n{"id": "no-text", "title": "x"}\n{this is not json\n')
    return path


@pytest.fixture(scope="module")
def local_output(feed, exported_tiny, tmp_path_factory):
    """The local engine's lines, INT8 at the default batch size: each article's result is its own, so
    engines that chunk the feed differently write the same lines."""
    out = tmp_path_factory.mktemp("local") / "local.jsonl"
    tag_inputs([str(feed)], out, model=str(exported_tiny), progress=False)
    return out


@pytest.fixture(scope="module")
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


def documents(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_same_documents(local, other):
    assert [doc["id"] for doc in other] == [doc["id"] for doc in local]
    for expected, got in zip(local, other):
        assert got == expected, expected["id"]


def test_cli_ray_engine_equals_the_local_output(feed, exported_tiny, local_output, tmp_path, capsys):
    """The CLI starts its own local Ray instance, writes shards, merges them in input order."""
    out = tmp_path / "ray.jsonl"
    code = main(["tag", "--engine", "ray", str(feed), "-o", str(out), "--model", str(exported_tiny),
                 "--actors", "2", "-q"])
    assert code == 0
    assert not ray.is_initialized()  # the instance it started is stopped
    assert out.read_text(encoding="utf-8") == local_output.read_text(encoding="utf-8")
    local = documents(local_output)
    assert len(local) == DOCUMENTS + 3
    assert [doc["id"] for doc in local if "error" in doc][:2] == ["empty", "no-text"]
    assert "303 document(s) tagged (3 with errors" in capsys.readouterr().err
    shards = sorted((tmp_path / "ray.jsonl.shards").iterdir())
    rows = [json.loads(line) for shard in shards for line in shard.read_text(encoding="utf-8").splitlines()]
    assert sorted(row["seq"] for row in rows) == list(range(DOCUMENTS + 3))
    assert_same_documents(local, [row["document"] for row in sorted(rows, key=lambda row: row["seq"])])


def test_helper_merges_parquet_shards_on_a_running_session(ray_session, feed, exported_tiny, local_output, tmp_path):
    import pyarrow.parquet as pq

    from vner.serving.ray_engine import tag_inputs_ray

    out = tmp_path / "ray.jsonl"
    summary = tag_inputs_ray([str(feed)], out, model=str(exported_tiny), shard_format="parquet",
                             shard_size=100, chunk_size=16, progress=False)
    assert ray.is_initialized()  # a session the caller started is left running
    assert (summary.documents, summary.errors) == (DOCUMENTS + 3, 3)
    assert out.read_text(encoding="utf-8") == local_output.read_text(encoding="utf-8")
    shards = tmp_path / "ray.jsonl.shards"
    assert len(list(shards.glob("*.parquet"))) > 1
    table = pq.read_table(shards).sort_by("seq")
    assert table["seq"].to_pylist() == list(range(DOCUMENTS + 3))
    tagged = [json.loads(line) for line in table["document"].to_pylist()]
    assert_same_documents(documents(local_output), tagged)
    assert table["id"].to_pylist() == [doc["id"] for doc in tagged]
    assert table["error"].to_pylist() == [doc.get("error") for doc in tagged]


def test_jsonl_shards_merge_in_input_order(tmp_path):
    from vner.serving.ray_engine import merge_shards

    lines = [json.dumps({"id": f"d{i}", "text": "Hà Nội", "score": 0.1235, "entities": [], "relations": []},
                        ensure_ascii=False) for i in range(6)]
    for name, seqs in (("a.jsonl", (1, 2, 5)), ("b.jsonl", (0, 3, 4))):
        (tmp_path / name).write_text("".join(f'{{"seq": {i}, "document": {lines[i]}}}\n' for i in seqs),
                                     encoding="utf-8")
    assert merge_shards(tmp_path, tmp_path / "merged.out") == 6
    assert (tmp_path / "merged.out").read_text(encoding="utf-8").splitlines() == lines


def test_no_input_document_gives_an_empty_output(ray_session, tmp_path):
    from vner.serving.ray_engine import tag_inputs_ray

    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    summary = tag_inputs_ray([str(empty)], tmp_path / "out.jsonl", progress=False)
    assert summary.documents == 0
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == ""


def test_more_actors_than_cpus_is_refused_before_reading(ray_session, tmp_path):
    from vner.serving.ray_engine import tag_inputs_ray

    with pytest.raises(ValueError, match="3 actor"):
        tag_inputs_ray([str(tmp_path / "never-read.txt")], tmp_path / "out.jsonl", actors=3, progress=False)


def test_the_module_imports_neither_ray_nor_torch():
    code = ("import sys, vner.serving.ray_engine; "
            "print(sorted(m for m in ('ray', 'torch', 'transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_missing_ray_names_the_extra(monkeypatch):
    from vner.serving import ray_engine

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ImportError, match=r"pip install 'vner\[ray\]'"):
        ray_engine.tag_inputs_ray(["x.txt"], "out.jsonl")
