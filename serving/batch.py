"""Batch tagging of files and streams: the engine behind ``vner tag``.

One output line per input document, in input order, flushed as it goes; bad
inputs become lines with an ``error`` field; ``resume`` skips the ids already in
the output, so a killed run continues and loses nothing.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import IO

from vner.model.document import Document
from vner.serving.tagger import Tagger

log = logging.getLogger(__name__)

#: Articles longer than this are answered with an error line instead of being tagged.
MAX_CHARS = 1_000_000


@dataclass
class TagSummary:
    documents: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        return (f"{self.documents} documents tagged ({self.errors} with errors), {self.skipped} skipped as "
                f"already done, in {self.seconds:.1f} s ({rate:.1f} articles/s)")


def completed_ids(path: Path) -> set[str]:
    """Ids of the complete lines of an output file; a torn last line (a killed run) is cut off."""
    done: set[str] = set()
    if not path.exists():
        return done
    good_end = 0
    with open(path, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            try:
                done.add(str(json.loads(raw)["id"]))
            except (ValueError, KeyError, TypeError):
                break
            good_end += len(raw)
    if good_end != path.stat().st_size:
        log.warning("%s: dropping an incomplete last line left by an interrupted run", path)
        with open(path, "rb+") as handle:
            handle.truncate(good_end)
    return done


def _check(doc: Document) -> str | None:
    if doc.error is not None:
        return doc.error
    if not isinstance(doc.text, str) or not doc.text.strip():
        return "empty text"
    if len(doc.text) > MAX_CHARS:
        return f"text too long ({len(doc.text)} characters; the limit is {MAX_CHARS})"
    return None


def tag_documents(tagger: Tagger, docs: list[Document], batch_size: int = 16) -> list[Document]:
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
        for n, ent in enumerate(doc.entities, 1):
            ent.id = f"T{n}"
        results[i] = doc
    return results  # type: ignore[return-value]


def _chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Worker processes keep one tagger each, loaded once by the pool initializer.
_WORKER_TAGGER: Tagger | None = None
_WORKER_BATCH = 16


def _init_worker(model: str | None, precision: str, threads: int | None, batch_size: int) -> None:
    global _WORKER_TAGGER, _WORKER_BATCH
    _WORKER_TAGGER = Tagger.from_pretrained(model, precision=precision, threads=threads)
    _WORKER_BATCH = batch_size


def _work(chunk: list[Document]) -> list[Document]:
    assert _WORKER_TAGGER is not None
    return tag_documents(_WORKER_TAGGER, chunk, _WORKER_BATCH)


def tag_stream(
    docs: Iterable[Document],
    out: IO[str],
    *,
    model: str | None = None,
    precision: str = "auto",
    workers: int = 1,
    batch_size: int = 16,
    chunk_size: int = 32,
    threads: int | None = None,
    skip_ids: set[str] | None = None,
    progress: bool = True,
) -> TagSummary:
    """Tag ``docs`` and write one JSON line each to ``out``, in order, flushing after every chunk."""
    from tqdm.auto import tqdm

    summary = TagSummary()
    started = time.perf_counter()
    skip_ids = skip_ids or set()

    def pending() -> Iterator[Document]:
        for doc in docs:
            if doc.id in skip_ids:
                summary.skipped += 1
                continue
            yield doc

    bar = tqdm(desc="tagging", unit="doc", disable=not progress, file=sys.stderr)
    chunks = _chunks(pending(), chunk_size)
    if workers > 1:
        per_worker = threads or max(1, (os.cpu_count() or 1) // workers)
        pool = get_context("spawn").Pool(workers, _init_worker, (model, precision, per_worker, batch_size))
        results = pool.imap(_work, chunks)
    else:
        pool = None
        tagger = Tagger.from_pretrained(model, precision=precision, threads=threads)
        results = (tag_documents(tagger, chunk, batch_size) for chunk in chunks)
    try:
        for tagged in results:
            for doc in tagged:
                out.write(doc.to_json() + "\n")
                summary.documents += 1
                summary.errors += doc.error is not None
            out.flush()
            bar.update(len(tagged))
            bar.set_postfix(errors=summary.errors)
    finally:
        bar.close()
        if pool is not None:
            pool.terminate()
    summary.seconds = time.perf_counter() - started
    return summary


def tag_inputs(inputs: list[str], output: str | Path, *, resume: bool = False, **kwargs) -> TagSummary:
    """Tag every document of ``inputs`` (files, folders, JSONL(.gz), ``-``) into the JSONL file ``output``.

    With ``resume``, ids already in ``output`` are skipped and new lines appended;
    without it, ``output`` is overwritten.
    """
    from vner.serving.readers import iter_inputs

    output = Path(output)
    skip = completed_ids(output) if resume else set()
    with open(output, "a" if resume else "w", encoding="utf-8") as out:
        return tag_stream(iter_inputs(inputs), out, skip_ids=skip, **kwargs)
