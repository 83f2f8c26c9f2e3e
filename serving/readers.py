"""Input readers: turn the paths a user gives into documents, one bad input never stopping a run.

:func:`iter_inputs` reads, in the order given:

* a ``*.jsonl`` or ``*.jsonl.gz`` file, streamed line by line: one document per JSON object
  with ``id`` and ``text``; other keys (``title``, ``url`` …) are kept in ``Document.meta``;
* any other file (``*.gz`` gunzipped), by what its first bytes hold
  (:func:`vner.serving.feeds.sniff_format`): an RSS or Atom feed, streamed, one document per
  item; an HTML page, one document of its main text; else a plain text, one document with
  id = the file name's stem;
* a folder: every ``*.txt``, ``*.html``/``*.htm`` and ``*.xml``/``*.rss``/``*.atom`` file
  below it, recursively, sorted by relative path, each read as above; id = the relative
  path without its suffix (the stem for files at the top of the folder), feed items keeping
  their own ids;
* ``-``: standard input, read as JSONL when its first non-blank line is a JSON object, else
  as a feed, a page or one plain text (id ``stdin``) by its first bytes.

``fmt`` (``vner tag --format``) forces one of ``text``, ``jsonl``, ``feed``, ``html`` for
every file and standard input instead. Feeds and pages are read by :mod:`vner.serving.feeds`
(encodings, streaming, and what their documents hold are explained there).

A bad document — empty or white-space only, binary (NUL bytes), not UTF-8 (plain text and
JSONL must be UTF-8; feeds and pages may declare or not their own encoding), an invalid JSON
line, a line that is not an object, a missing or non-string ``text``, a file that cannot be
read, a malformed feed item, a page without an article — becomes a
:class:`~vner.model.document.Document` with ``error`` set and an ``id`` (the file's stem, the
JSON ``id``, the item's guid, or ``path:line N``/``path:item N``); reading goes on with the
next one.

Plain text and JSONL text is returned as decoded (a leading byte-order mark dropped);
normalisation is the pipeline's job. This module imports only :mod:`vner.model`, the standard
library and, when a feed or page is read, the feed and HTML parsers, so the CPU tagger can use it.
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
import zlib
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from vner.model.document import Document
from vner.serving import feeds
from vner.serving.feeds import AUTO, FEED, FORMATS, HTML, JSONL, TEXT

log = logging.getLogger(__name__)

#: The path that names the standard streams: stdin as an input, stdout as an output.
STDIN = STDOUT = "-"
#: Keys of an input line that are not kept in ``meta`` (annotations are not inputs).
_RESERVED_KEYS = ("id", "text", "entities", "relations", "error")
_BOM = "\ufeff"
#: Files a folder is read for (any case).
FOLDER_SUFFIXES = (".txt", ".html", ".htm", ".xml", ".rss", ".atom")


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


def _open(path: Path) -> IO[bytes]:
    """A binary stream of a file, gunzipped when it is named ``*.gz``."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _read_text_file(path: Path, doc_id: str) -> Document:
    try:
        with _open(path) as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error) as exc:
        return _error(doc_id, f"cannot read {path}: {exc}")
    return text_document(data, doc_id)


def _read_page_file(path: Path, doc_id: str) -> Document:
    try:
        with _open(path) as handle:
            data = feeds.read_capped(handle)
    except (OSError, EOFError, zlib.error) as exc:
        return _error(doc_id, f"cannot read {path}: {exc}")
    return feeds.page_document(data, doc_id)


def _read_stream(path: Path, read: Callable[[IO[bytes], str], Iterator[Document]]) -> Iterator[Document]:
    """The documents ``read`` finds in the (gunzipped) bytes of ``path``, streamed."""
    try:
        handle = _open(path)
    except OSError as exc:
        yield _error(str(path), f"cannot read {path}: {exc}")
        return
    with handle:
        yield from read(handle, str(path))


def _file_format(path: Path) -> str:
    """What a file holds: JSONL by its name, else a feed, a page or a text by its first bytes."""
    if _is_jsonl(path):
        return JSONL
    try:
        with _open(path) as handle:
            head = handle.read(feeds.HEAD_BYTES)
    except (OSError, EOFError, zlib.error):
        return TEXT  # the text reader reports why the file cannot be read
    return feeds.sniff_format(head)


def _read_file(path: Path, doc_id: str, fmt: str) -> Iterator[Document]:
    fmt = _file_format(path) if fmt == AUTO else fmt
    if fmt == JSONL:
        yield from _read_stream(path, _iter_jsonl_lines)
    elif fmt == FEED:
        yield from _read_stream(path, feeds.iter_feed)
    elif fmt == HTML:
        yield _read_page_file(path, doc_id)
    else:
        yield _read_text_file(path, doc_id)


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


def _read_folder(folder: Path, fmt: str) -> Iterator[Document]:
    try:
        files = sorted(
            (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES),
            key=lambda p: p.relative_to(folder).as_posix(),
        )
    except OSError as exc:
        yield _error(str(folder), f"cannot list {folder}: {exc}")
        return
    if not files:
        log.warning("%s: no %s files in this folder", folder, ", ".join(FOLDER_SUFFIXES))
    for path in files:
        yield from _read_file(path, path.relative_to(folder).with_suffix("").as_posix(), fmt)


class _Prefixed:
    """A binary stream whose first bytes were already taken: ``head``, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head, self._stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data, self._head = self._head + self._stream.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data


def _read_stdin(stream: IO[bytes], fmt: str) -> Iterator[Document]:
    """JSONL when the first non-blank line is a JSON object, else a feed, a page or one plain text."""
    if fmt == JSONL:
        yield from _iter_jsonl_lines(stream, "stdin")
        return
    head: list[bytes] = []
    if fmt == AUTO:
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
    rest = _Prefixed(b"".join(head), stream)
    if fmt == AUTO:
        sniffed = rest.read(feeds.HEAD_BYTES)
        fmt, rest = feeds.sniff_format(sniffed), _Prefixed(sniffed, stream)
    if fmt == FEED:
        yield from feeds.iter_feed(rest, "stdin")
    elif fmt == HTML:
        yield feeds.page_document(feeds.read_capped(rest), "stdin")
    else:
        yield text_document(rest.read(), "stdin")


def iter_inputs(paths: Iterable[str], stdin: IO[bytes] | None = None, fmt: str = AUTO) -> Iterator[Document]:
    """Documents of every input path, in order (see the module's docstring).

    ``stdin`` replaces ``sys.stdin.buffer`` for ``-`` (tests pass a ``BytesIO``); ``fmt`` is
    one of :data:`~vner.serving.feeds.FORMATS` (``auto``: tell each file's format by itself).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
    for raw in paths:
        if raw == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, fmt)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _read_folder(path, fmt)
        elif not path.exists():
            yield _error(_stem(path) or raw, f"no such file or folder: {raw}")
        else:
            yield from _read_file(path, _stem(path), fmt)
