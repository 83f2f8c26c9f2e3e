"""Input readers: every kind of input, every kind of bad document, streaming, and no heavy imports."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys

import pytest

from vner.serving.readers import iter_inputs, json_document, text_document


def _write_jsonl(path, rows) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")


def test_text_file_gives_one_document_named_by_its_stem(tmp_path):
    (tmp_path / "bai-1.txt").write_text("Hà Nội, ngày 1/7/2017.\nUBND tỉnh họp.", encoding="utf-8")
    [doc] = iter_inputs([str(tmp_path / "bai-1.txt")])
    assert doc.id == "bai-1" and doc.error is None
    assert doc.text.startswith("Hà Nội")


def test_folder_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b.txt").write_text("Bài B.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Bài A.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("Bài C.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    docs = list(iter_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["a", "b", "sub/c"]
    assert [d.text for d in docs] == ["Bài A.", "Bài B.", "Bài C."]


def test_jsonl_keeps_ids_order_and_extra_keys(tmp_path):
    path = tmp_path / "in.jsonl"
    _write_jsonl(path, [{"id": "x1", "title": "Tiêu đề", "url": "http://a", "text": "Một."},
                        {"id": 7, "text": "Hai."}])
    docs = list(iter_inputs([str(path)]))
    assert [d.id for d in docs] == ["x1", "7"]
    assert docs[0].meta == {"title": "Tiêu đề", "url": "http://a"}
    assert docs[0].to_dict()["title"] == "Tiêu đề"


def test_gzipped_jsonl_and_text(tmp_path):
    with gzip.open(tmp_path / "in.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g1", "text": "Nén."}) + "\n")
    with gzip.open(tmp_path / "bai.txt.gz", "wb") as handle:
        handle.write("Văn bản nén.".encode())
    docs = list(iter_inputs([str(tmp_path / "in.jsonl.gz"), str(tmp_path / "bai.txt.gz")]))
    assert [(d.id, d.text, d.error) for d in docs] == [("g1", "Nén.", None), ("bai", "Văn bản nén.", None)]


def test_inputs_keep_the_order_they_are_given(tmp_path):
    (tmp_path / "t.txt").write_text("Văn bản.", encoding="utf-8")
    _write_jsonl(tmp_path / "j.jsonl", [{"id": "j1", "text": "Một."}])
    docs = list(iter_inputs([str(tmp_path / "j.jsonl"), str(tmp_path / "t.txt"), str(tmp_path / "j.jsonl")]))
    assert [d.id for d in docs] == ["j1", "t", "j1"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty document"),
        (b"  \n\t \n", "white space"),
        (b"abc\x00def", "NUL"),
        (b"\xff\xfe\xfa bad", "not UTF-8"),
        ("Ch\u00e0o".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_text_files_become_error_documents(tmp_path, content, message):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text("Tốt.", encoding="utf-8")
    docs = list(iter_inputs([str(tmp_path / "bad.txt"), str(tmp_path / "good.txt")]))
    assert docs[0].id == "bad" and message in docs[0].error and docs[0].text == ""
    assert docs[1].error is None  # the run goes on


def test_byte_order_mark_is_dropped():
    assert text_document("\ufeffXin chào".encode(), "a").text == "Xin chào"


@pytest.mark.parametrize(
    "line, doc_id, message",
    [
        ("{not json", "in.jsonl:line 2", "invalid JSON"),
        ("[1, 2]", "in.jsonl:line 2", "JSON object"),
        ('"just a string"', "in.jsonl:line 2", "JSON object"),
        ('{"id": "m1"}', "m1", 'missing "text"'),
        ('{"id": "m2", "text": 42}', "m2", "not a string"),
        ('{"id": "m3", "text": null}', "m3", "not a string"),
        ('{"id": "m4", "text": "   "}', "m4", "white space"),
        ('{"id": "m5", "text": ""}', "m5", "empty"),
        ('{"id": "m6", "text": "a\\u0000b"}', "m6", "NUL"),
        ('{"text": ""}', "in.jsonl:line 2", "empty"),
    ],
)
def test_bad_jsonl_lines_become_error_documents(tmp_path, line, doc_id, message):
    path = tmp_path / "in.jsonl"
    _write_jsonl(path, [{"id": "ok1", "text": "Một."}, line, {"id": "ok2", "text": "Hai."}])
    docs = list(iter_inputs([str(path)]))
    assert [d.id for d in docs] == ["ok1", doc_id.replace("in.jsonl", str(path)), "ok2"]
    assert message in docs[1].error
    assert docs[0].error is None and docs[2].error is None


def test_jsonl_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "x"}\n{"id": "b", "text": "\xff"}\n\n{"id": "c", "text": "z"}\n')
    docs = list(iter_inputs([str(path)]))
    assert [d.id for d in docs] == ["a", f"{path}:line 2", "c"]  # blank lines are skipped
    assert "not UTF-8" in docs[1].error


def test_error_documents_keep_their_extra_keys():
    doc = json_document('{"id": "k", "url": "http://x", "text": 1}', "f:line 1")
    assert doc.error and doc.meta == {"url": "http://x"}


def test_missing_path_and_corrupt_gzip_do_not_stop_the_run(tmp_path):
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    (tmp_path / "ok.txt").write_text("Được.", encoding="utf-8")
    docs = list(iter_inputs([str(tmp_path / "missing.txt"), str(tmp_path / "broken.jsonl.gz"),
                             str(tmp_path / "ok.txt")]))
    assert docs[0].id == "missing" and "no such file" in docs[0].error
    assert docs[1].error and docs[1].id.startswith(str(tmp_path / "broken.jsonl.gz"))
    assert docs[-1].id == "ok" and docs[-1].error is None


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path):
    data = gzip.compress("".join(json.dumps({"id": f"d{i}", "text": "Văn bản số " + str(i)}) + "\n"
                                 for i in range(200)).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    docs = list(iter_inputs([str(tmp_path / "cut.jsonl.gz")]))
    assert docs[0].id == "d0" and docs[0].error is None
    assert docs[-1].error is not None


def test_stdin_jsonl():
    stream = io.BytesIO(b'\n{"id": "s1", "text": "M\xe1\xbb\x99t."}\n{"id": "s2", "text": "Hai."}\nnot json\n')
    docs = list(iter_inputs(["-"], stdin=stream))
    assert [d.id for d in docs] == ["s1", "s2", "stdin:line 4"]
    assert docs[0].text == "Một." and "invalid JSON" in docs[2].error


def test_stdin_plain_text_is_one_document():
    stream = io.BytesIO("Tiêu đề\n{không phải JSON}\nNội dung.".encode())
    [doc] = iter_inputs(["-"], stdin=stream)
    assert doc.id == "stdin" and doc.text == "Tiêu đề\n{không phải JSON}\nNội dung."


def test_stdin_empty_or_binary():
    assert "empty" in next(iter_inputs(["-"], stdin=io.BytesIO(b""))).error
    assert "NUL" in next(iter_inputs(["-"], stdin=io.BytesIO(b"\x00\x01\x02"))).error


class _CountingStream:
    """A binary stream that counts the lines handed out, to check streaming."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines, self.taken = lines, 0

    def __iter__(self):
        for line in self.lines:
            self.taken += 1
            yield line

    def read(self) -> bytes:  # pragma: no cover - only plain text reads everything
        raise AssertionError("JSONL must be streamed, not read whole")


def test_jsonl_is_streamed_not_loaded_whole():
    stream = _CountingStream([json.dumps({"id": f"d{i}", "text": "x"}).encode() + b"\n" for i in range(1000)])
    docs = iter_inputs(["-"], stdin=stream)
    assert next(docs).id == "d0"
    assert stream.taken <= 2


def test_readers_import_neither_torch_nor_training():
    code = (
        "import sys, vner.serving.readers\n"
        "bad = [m for m in sys.modules\n"
        "       if m.split('.')[0] in ('torch', 'transformers') or m.startswith('vner.training')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
