"""Input readers: turn the paths a user gives into documents, one bad input never stopping a run.

:func:`iter_inputs` reads, in the order given:

* a ``.txt`` file (any file not named ``*.jsonl``/``*.jsonl.gz``): one document, id = the file
  name's stem; ``*.txt.gz`` is gunzipped;
* a folder: every ``*.txt`` file below it, recursively, sorted by relative path; id = the
  relative path without its suffix (the stem for files at the top of the folder);
* a ``*.jsonl`` or ``*.jsonl.gz`` file, streamed line by line: one document per JSON object
  with ``id`` and ``text``; other keys (``title``, ``url`` …) are kept in ``Document.meta``;
* ``-``: standard input, read as JSONL when its first non-blank line is a JSON object,
  else as one plain text (id ``stdin``).

A bad document — empty or white-space only, binary (NUL bytes), not UTF-8, an invalid JSON
line, a line that is not an object, a missing or non-string ``text``, a file that cannot be
read — becomes a :class:`~vner.model.document.Document` with ``error`` set and an ``id``
(the file's stem, the JSON ``id``, or ``path:line N``); reading goes on with the next one.

The text is returned as decoded (a leading byte-order mark dropped); normalisation is the
pipeline's job. This module imports only :mod:`vner.model` and the standard library, so the
CPU tagger can use it.
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
import zlib
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from vner.model.document import Document

log = logging.getLogger(__name__)

STDIN = "-"
#: Keys of an input line that are not kept in ``meta`` (annotations are not inputs).
_RESERVED_KEYS = ("id", "text", "entities", "relations", "error")
_BOM = "\ufeff"


def _error(doc_id: str, message: str, meta: dict[str, Any] | None = None) -> Document:
    return Document(id=doc_id, text="", error=message, meta=dict(meta or {}))


def _is_jsonl(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".jsonl") or name.endswith(".jsonl.gz")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".jsonl.gz", ".txt.gz", ".gz"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def text_document(data: bytes, doc_id: str) -> Document:
    """A document from the raw bytes of one text, or one with ``error`` set.

    >>> text_document("Hà Nội".encode(), "a").text
    'Hà Nội'
    >>> text_document(b"\\x00\\x01", "b").error
    'binary content (NUL bytes)'
    """
    if b"\x00" in data:
        return _error(doc_id, "binary content (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error(doc_id, f"not UTF-8 text (invalid byte at offset {exc.start})")
    return _checked_text(text.removeprefix(_BOM), doc_id)


def _checked_text(text: str, doc_id: str, meta: dict[str, Any] | None = None) -> Document:
    if "\x00" in text:
        return _error(doc_id, "binary content (NUL characters)", meta)
    if not text.strip():
        return _error(doc_id, "empty document" if not text else "document holds only white space", meta)
    return Document(id=doc_id, text=text, meta=dict(meta or {}))


def _read_text_file(path: Path, doc_id: str) -> Document:
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                data = handle.read()
        else:
            data = path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        return _error(doc_id, f"cannot read {path}: {exc}")
    return text_document(data, doc_id)


def json_document(line: bytes | str, where: str) -> Document:
    """A document from one JSONL line, or one with ``error`` set (``where`` names the line).

    >>> json_document('{"id": "a1", "text": "Hà Nội", "title": "T"}', "f:line 1").meta
    {'title': 'T'}
    >>> json_document('{"id": "a2"}', "f:line 2").error
    'missing "text"'
    """
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _error(where, f"line is not UTF-8 (invalid byte at offset {exc.start})")
    line = line.removeprefix(_BOM)
    try:
        data = json.loads(line)
    except ValueError as exc:
        return _error(where, f"invalid JSON: {exc}")
    if not isinstance(data, dict):
        return _error(where, f"a line must be a JSON object, not {type(data).__name__}")
    raw_id = data.get("id")
    doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and str(raw_id) else where
    meta = {k: v for k, v in data.items() if k not in _RESERVED_KEYS}
    if "text" not in data:
        return _error(doc_id, 'missing "text"', meta)
    text = data["text"]
    if not isinstance(text, str):
        return _error(doc_id, f'"text" is not a string ({type(text).__name__})', meta)
    return _checked_text(text, doc_id, meta)


def _where(source: str, line_no: int) -> str:
    """The id of a JSONL line that has none: ``path:line N``."""
    return f"{source}:line {line_no}"


def _iter_jsonl_lines(lines: Iterable[bytes], source: str, first_line_no: int = 1) -> Iterator[Document]:
    line_no = first_line_no - 1
    try:
        for line_no, line in enumerate(lines, first_line_no):
            if not line.strip():
                continue
            yield json_document(line, _where(source, line_no))
    except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt gzip stream
        yield _error(_where(source, line_no + 1), f"cannot read {source} past line {line_no}: {exc}")


def _read_jsonl_file(path: Path) -> Iterator[Document]:
    try:
        handle: IO[bytes] = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
    except OSError as exc:
        yield _error(str(path), f"cannot read {path}: {exc}")
        return
    with handle:
        yield from _iter_jsonl_lines(handle, str(path))


def _read_folder(folder: Path) -> Iterator[Document]:
    try:
        files = sorted(
            (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".txt"),
            key=lambda p: p.relative_to(folder).as_posix(),
        )
    except OSError as exc:
        yield _error(str(folder), f"cannot list {folder}: {exc}")
        return
    if not files:
        log.warning("%s: no .txt files in this folder", folder)
    for path in files:
        yield _read_text_file(path, path.relative_to(folder).with_suffix("").as_posix())


def _read_stdin(stream: IO[bytes]) -> Iterator[Document]:
    """JSONL when the first non-blank line is a JSON object, else one plain-text document."""
    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    first = head[-1] if head else b""
    try:
        looks_jsonl = isinstance(json.loads(first.decode("utf-8").removeprefix(_BOM)), dict)
    except (UnicodeDecodeError, ValueError):
        looks_jsonl = False
    if looks_jsonl:
        yield from _iter_jsonl_lines(iter(head), "stdin")
        yield from _iter_jsonl_lines(stream, "stdin", first_line_no=len(head) + 1)
        return
    yield text_document(b"".join(head) + stream.read(), "stdin")


def iter_inputs(paths: Iterable[str], stdin: IO[bytes] | None = None) -> Iterator[Document]:
    """Documents of every input path, in order (see the module's docstring).

    ``stdin`` replaces ``sys.stdin.buffer`` for ``-`` (tests pass a ``BytesIO``).
    """
    for raw in paths:
        if raw == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _read_folder(path)
        elif not path.exists():
            yield _error(_stem(path) or raw, f"no such file or folder: {raw}")
        elif _is_jsonl(path):
            yield from _read_jsonl_file(path)
        else:
            yield _read_text_file(path, _stem(path))
