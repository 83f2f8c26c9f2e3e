"""Batch tagging of files and streams: the engine behind ``vner tag``.

One output line per input document, in input order, flushed as it goes; bad
inputs become lines with an ``error`` field; ``resume`` skips the ids already in
the output, so a killed run continues and loses nothing. With a ``state`` file
(:mod:`vner.serving.state`), ids already tagged with the same text are skipped
and a text already tagged under another id is not tagged again: its line holds
the item's own id, text and metadata and ``"duplicate_of": FIRST_ID`` in place of
``entities`` and ``relations`` (those of FIRST_ID's line).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import IO, TypeVar

from vner.model.decode import DEFAULT_BATCH_SIZE
from vner.model.document import Document
from vner.serving.feeds import AUTO
from vner.serving.readers import STDOUT
from vner.serving.state import DUPLICATE, SKIP, Record, TagState, Verdict, drop_torn_tail
from vner.serving.tagger import Tagger

log = logging.getLogger(__name__)

#: Articles longer than this are answered with an error line instead of being tagged.
MAX_CHARS = 1_000_000
T = TypeVar("T")


@dataclass
class TagSummary:
    documents: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    duplicates: int = 0

    def __str__(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        return (f"{self.documents} document(s) tagged ({self.errors} with errors, "
                f"{self.duplicates} duplicate(s) linked), "
                f"{self.skipped} skipped as already done, in {self.seconds:.1f} s ({rate:.1f} articles/s)")


def completed_ids(path: Path) -> set[str]:
    """Ids of the complete lines of an output file, after cutting a torn last line (a killed run).

    A complete line that does not parse is left in place and logged: its document is tagged again.
    """
    done: set[str] = set()
    if not path.exists():
        return done
    drop_torn_tail(path)
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                done.add(str(json.loads(raw)["id"]))
            except (ValueError, KeyError, TypeError):
                log.warning("%s:%d: not a tagged document; its input will be tagged again", path, number)
    return done


def _check(doc: Document) -> str | None:
    if doc.error is not None:
        return doc.error
    if not isinstance(doc.text, str) or not doc.text.strip():
        return "empty text"
    if len(doc.text) > MAX_CHARS:
        return f"text too long ({len(doc.text)} characters; the limit is {MAX_CHARS})"
    return None


def tag_documents(tagger: Tagger, docs: list[Document], batch_size: int = DEFAULT_BATCH_SIZE) -> list[Document]:
    """Tag a chunk of documents; a document that fails is returned with an ``error`` instead."""
    results: list[Document | None] = [None] * len(docs)
    todo = []
    for index, doc in enumerate(docs):
        problem = _check(doc)
        if problem is None:
            todo.append(index)
        else:
            results[index] = Document(doc.id, doc.text if isinstance(doc.text, str) else "", error=problem,
                                      meta=doc.meta)
    try:
        tagged = tagger.predict([docs[i].text for i in todo], batch_size) if todo else []
        pairs = list(zip(todo, tagged))
    except Exception:  # one bad text must not sink its chunk: retry one by one
        pairs = []
        for i in todo:
            try:
                pairs.append((i, tagger.predict(docs[i].text, batch_size)))
            except Exception as exc:
                log.debug("document %s failed", docs[i].id, exc_info=True)
                results[i] = Document(docs[i].id, docs[i].text, error=f"tagging failed: {type(exc).__name__}: {exc}",
                                      meta=docs[i].meta)
    for i, doc in pairs:
        doc.id, doc.meta = docs[i].id, docs[i].meta
        results[i] = doc
    return results  # type: ignore[return-value]


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last one shorter), streamed."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Worker processes keep one tagger each, loaded once by the pool initializer.
_WORKER_TAGGER: Tagger | None = None
_WORKER_BATCH = DEFAULT_BATCH_SIZE


def _init_worker(model: str | None, precision: str, threads: int | None, batch_size: int,
                 rules: bool | None = None) -> None:
    global _WORKER_TAGGER, _WORKER_BATCH
    _WORKER_TAGGER = Tagger.from_pretrained(model, precision=precision, threads=threads, rules=rules)
    _WORKER_BATCH = batch_size


def _work(chunk: list[Document]) -> list[Document]:
    assert _WORKER_TAGGER is not None
    return tag_documents(_WORKER_TAGGER, chunk, _WORKER_BATCH)


def pipe_documents(tagger: Tagger, docs: Iterable[Document], batch_size: int = DEFAULT_BATCH_SIZE,
                   chunk_size: int = 32) -> Iterator[Document]:
    """Tagged documents for input documents (e.g. of :func:`~vner.serving.readers.iter_inputs`), in order.

    Unlike :meth:`Tagger.pipe`, which takes texts, ids and ``meta`` (``url``, ``title`` …)
    are kept, and a bad document comes back with ``error`` set.
    """
    for chunk in chunked(docs, chunk_size):
        yield from tag_documents(tagger, chunk, batch_size)


def pipe_inputs(tagger: Tagger, inputs: Iterable[str], fmt: str = AUTO, batch_size: int = DEFAULT_BATCH_SIZE,
                chunk_size: int = 32) -> Iterator[Document]:
    """Tagged documents of files, folders, feeds, pages or ``-`` (see :func:`~vner.serving.readers.iter_inputs`).

    >>> for doc in pipe_inputs(vner.load(), ["feed.xml"]):  # doctest: +SKIP
    ...     print(doc.id, doc.meta["published"], [e.text for e in doc.entities])
    """
    from vner.serving.readers import iter_inputs

    return pipe_documents(tagger, iter_inputs(inputs, fmt=fmt), batch_size, chunk_size)


@dataclass
class _Chunk:
    """Documents to write, in input order, with what the state said of each (None: no state, or a bad one)."""

    docs: list[Document]
    verdicts: list[Verdict | None]

    def to_tag(self) -> list[Document]:
        return [doc for doc, verdict in zip(self.docs, self.verdicts) if verdict is None or verdict.action != DUPLICATE]


def _duplicate_line(doc: Document, first: str) -> str:
    return json.dumps({"id": doc.id, "text": doc.text, **doc.meta, "duplicate_of": first}, ensure_ascii=False)


def _write_chunk(chunk: _Chunk, tagged: list[Document], out: IO[str], state: TagState | None, failed: set[str],
                 summary: TagSummary) -> None:
    """Write a chunk's lines, flush, then record them in the state (so a killed run never loses a line)."""
    results = iter(tagged)
    lines, records = [], []
    for doc, verdict in zip(chunk.docs, chunk.verdicts):
        if verdict is not None and verdict.action == DUPLICATE and verdict.first not in failed:
            lines.append(_duplicate_line(doc, verdict.first))
            records.append(Record(doc.id, verdict.text_hash, verdict.first))
            summary.duplicates += 1
            continue
        if verdict is not None and verdict.action == DUPLICATE:  # its first failed: rare, say so
            result = Document(doc.id, doc.text, error=f"duplicate of {verdict.first}, whose tagging failed",
                              meta=doc.meta)
        else:
            result = next(results)
        if result.error is not None:
            summary.errors += 1
            if verdict is not None:  # a text the state planned: a later duplicate of it must not link here
                failed.add(doc.id)
        elif verdict is not None:
            records.append(Record(doc.id, verdict.text_hash))
        lines.append(result.to_json())
    out.write("".join(line + "\n" for line in lines))
    out.flush()
    summary.documents += len(lines)
    if state is not None:
        state.record(records)


def tag_stream(
    docs: Iterable[Document],
    out: IO[str],
    *,
    model: str | None = None,
    precision: str = "auto",
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = 32,
    threads: int | None = None,
    rules: bool | None = None,
    skip_ids: set[str] | None = None,
    state: TagState | None = None,
    progress: bool = True,
) -> TagSummary:
    """Tag ``docs`` and write one JSON line each to ``out``, in order, flushing after every chunk.

    ``skip_ids`` are left out; with ``state``, documents it says are done are left out,
    duplicates linked (see the module's docstring) and what is written is recorded.
    ``rules`` overrides the model config's rules setting (see :class:`~vner.serving.tagger.Tagger`).
    """
    from tqdm.auto import tqdm

    summary = TagSummary()
    started = time.perf_counter()
    skip_ids = skip_ids or set()

    def pending() -> Iterator[tuple[Document, Verdict | None]]:
        for doc in docs:
            if doc.id in skip_ids:
                summary.skipped += 1
                continue
            verdict = state.plan(doc.id, doc.text) if state is not None and _check(doc) is None else None
            if verdict is not None and verdict.action == SKIP:
                summary.skipped += 1
                continue
            yield doc, verdict

    chunks = (_Chunk([doc for doc, _ in pairs], [verdict for _, verdict in pairs])
              for pairs in chunked(pending(), chunk_size))
    bar = tqdm(desc="tagging", unit="doc", disable=not progress, file=sys.stderr)
    if workers > 1:
        per_worker = threads or max(1, (os.cpu_count() or 1) // workers)
        pool = get_context("spawn").Pool(workers, _init_worker, (model, precision, per_worker, batch_size, rules))
        # The pool's feeder thread plans chunks; results come back in order, so a queue pairs them.
        planned: deque[_Chunk] = deque()

        def to_tag() -> Iterator[list[Document]]:
            for chunk in chunks:
                planned.append(chunk)
                yield chunk.to_tag()

        results = ((planned.popleft(), tagged) for tagged in pool.imap(_work, to_tag()))
    else:
        pool = None
        tagger = Tagger.from_pretrained(model, precision=precision, threads=threads, rules=rules)
        results = ((chunk, tag_documents(tagger, chunk.to_tag(), batch_size)) for chunk in chunks)
    failed: set[str] = set()
    try:
        for chunk, tagged in results:
            _write_chunk(chunk, tagged, out, state, failed, summary)
            bar.update(len(chunk.docs))
            bar.set_postfix(errors=summary.errors, skipped=summary.skipped)
    finally:
        bar.close()
        if pool is not None:
            pool.terminate()
    summary.seconds = time.perf_counter() - started
    return summary


def tag_inputs(inputs: list[str], output: str | Path, *, resume: bool = False, fmt: str = AUTO,
               state: str | Path | None = None, **kwargs) -> TagSummary:
    """Tag every document of ``inputs`` (files, folders, JSONL(.gz), feeds, pages, ``-``) into ``output``.

    ``output`` is a JSONL file, or ``-`` for standard output. With ``resume``, ids already in
    ``output`` are skipped and new lines appended; with a ``state`` file, what it records as
    done is skipped, new lines are appended and recorded in it; else ``output`` is
    overwritten. ``fmt`` forces the input format (see :func:`~vner.serving.readers.iter_inputs`).
    """
    from vner.serving.readers import iter_inputs

    docs = iter_inputs(inputs, fmt=fmt)
    with ExitStack() as stack:
        tag_state = stack.enter_context(TagState(state)) if state is not None else None
        if tag_state is not None:
            log.info("%s: %d documents known from earlier runs", state, len(tag_state))
        if str(output) == STDOUT:
            return tag_stream(docs, sys.stdout, state=tag_state, **kwargs)
        output = Path(output)
        skip = completed_ids(output) if resume else set()
        if tag_state is not None and not resume and output.exists():
            drop_torn_tail(output)
        out = stack.enter_context(open(output, "a" if resume or tag_state else "w", encoding="utf-8"))
        return tag_stream(docs, out, skip_ids=skip, state=tag_state, **kwargs)
