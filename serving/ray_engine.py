"""Batch tagging on Ray Data: the engine behind ``vner tag --engine ray``.

The inputs are read on the driver with :func:`~vner.serving.readers.iter_inputs` and put into
Ray's object store block by block (Ray spills blocks to disk when memory runs short); every
document gets ``seq``, its 0-based position in the input. ``map_batches`` tags the blocks on a
fixed pool of actors, each holding one :class:`~vner.serving.tagger.Tagger` (one model load per
actor, ``threads`` onnxruntime threads each) and calling
:func:`~vner.serving.batch.tag_documents`, so a bad document becomes a document with ``error``
exactly as in the local engine. Workers write shards to a folder:

* JSONL: one line per document, ``{"seq": N, "document": {…the line vner tag writes…}}``,
  sorted by ``seq`` inside a shard;
* Parquet: columns ``seq``, ``id``, ``error`` and ``document`` (that line as a string).

For an output named ``*.jsonl`` the shards go to ``OUT.jsonl.shards/`` and are then merged, in
input order, into ``OUT.jsonl``: the same lines as the local engine writes.

Ray is an optional dependency (``pip install 'vner[ray]'``) and is imported inside functions only.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vner.model.decode import DEFAULT_BATCH_SIZE
from vner.model.document import Document
from vner.serving.batch import TagSummary, chunked, tag_documents
from vner.serving.feeds import AUTO
from vner.serving.tagger import Tagger

if TYPE_CHECKING:
    import pyarrow
    import ray.data

log = logging.getLogger(__name__)

#: Shard formats of :func:`tag_inputs_ray`.
SHARD_FORMATS = ("jsonl", "parquet")
#: Suffix of the shard folder written beside a merged ``OUT.jsonl``.
SHARDS_SUFFIX = ".shards"
_INSTALL_HINT = "the Ray engine needs Ray: pip install 'vner[ray]'"


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401  (ray without the [data] extra has no ray.data dependencies)
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT} ({exc})") from exc
    return ray


# --- documents in ----------------------------------------------------------------------------


def _input_table(docs: list[Document], first_seq: int) -> pyarrow.Table:
    import pyarrow as pa

    return pa.table({
        "seq": pa.array(range(first_seq, first_seq + len(docs)), pa.int64()),
        "document": pa.array([doc.to_json() for doc in docs], pa.string()),
    })


def documents_dataset(docs: Iterable[Document], block_size: int = 32) -> ray.data.Dataset:
    """A Ray Dataset of ``docs`` with columns ``seq`` (input position) and ``document`` (its JSON).

    The documents are put into the object store ``block_size`` at a time, so the driver holds one
    block in memory, not the whole input.
    """
    ray = _import_ray()
    refs, seq = [], 0
    for chunk in chunked(docs, block_size):
        refs.append(ray.put(_input_table(chunk, seq)))
        seq += len(chunk)
    if not refs:
        return ray.data.from_arrow(_input_table([], 0))
    return ray.data.from_arrow_refs(refs)


# --- tagging -----------------------------------------------------------------------------------


class TagBatch:
    """The ``map_batches`` callable: one tagger per actor, loaded once in the constructor."""

    def __init__(self, model: str | None, precision: str, threads: int, batch_size: int,
                 rules: bool | None = None) -> None:
        self.tagger = Tagger.from_pretrained(model, precision=precision, threads=threads, rules=rules)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, Any]) -> pyarrow.Table:
        import pyarrow as pa

        docs = [Document.from_json(text) for text in batch["document"]]
        tagged = tag_documents(self.tagger, docs, self.batch_size)
        return pa.table({  # typed: a shard without errors must not get a null-typed ``error`` column
            "seq": pa.array(batch["seq"], pa.int64()),
            "id": pa.array([doc.id for doc in tagged], pa.string()),
            "error": pa.array([doc.error for doc in tagged], pa.string()),
            "document": pa.array([doc.to_json() for doc in tagged], pa.string()),
        })


def cluster_cpus() -> int:
    """CPUs of the Ray cluster this process is connected to."""
    return max(1, int(_import_ray().cluster_resources().get("CPU", 1)))


def actor_pool(actors: int | None = None, threads: int | None = None) -> tuple[int, int]:
    """(actors, threads per actor): one actor per CPU of the cluster, ``max(1, CPUs // actors)`` threads.

    ``ValueError`` when they need more CPUs than the cluster has (Ray would wait for them forever).
    """
    cpus = cluster_cpus()
    actors = actors or cpus
    threads = threads or max(1, cpus // actors)
    if actors * threads > cpus:
        raise ValueError(f"{actors} actor(s) × {threads} thread(s) need {actors * threads} CPUs; the Ray cluster has "
                         f"{cpus}: use fewer actors or threads")
    return actors, threads


def tag_dataset(
    dataset: ray.data.Dataset,
    *,
    model: str | None = None,
    precision: str = "auto",
    actors: int | None = None,
    threads: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = 32,
    rules: bool | None = None,
) -> ray.data.Dataset:
    """Tag a dataset of :func:`documents_dataset` on a pool of ``actors`` taggers (lazy).

    ``threads`` are onnxruntime threads, and CPUs reserved, per actor (defaults: :func:`actor_pool`);
    ``chunk_size`` documents go to an
    actor per call, ``batch_size`` windows through the model at a time. The result has columns
    ``seq``, ``id``, ``error`` (None when tagged) and ``document`` (the output line). ``rules``
    overrides the model config's rules setting (see :class:`~vner.serving.tagger.Tagger`).
    """
    from ray.data import ActorPoolStrategy

    actors, threads = actor_pool(actors, threads)
    log.info("tagging on %d actor(s) with %d onnxruntime thread(s) each", actors, threads)
    return dataset.map_batches(
        TagBatch,
        fn_constructor_kwargs={"model": model, "precision": precision, "threads": threads,
                               "batch_size": batch_size, "rules": rules},
        batch_size=chunk_size,
        batch_format="numpy",
        compute=ActorPoolStrategy(size=actors),
        num_cpus=threads,
    )


# --- shards out --------------------------------------------------------------------------------


def _shard_sink(path: str, shard_format: str, shard_size: int):
    """A datasink writing the tagged blocks as shards; each write returns (documents, errors)."""
    import pyarrow.compute as pc
    from ray.data import BlockBasedFileDatasink, SaveMode
    from ray.data.block import BlockAccessor

    class ShardSink(BlockBasedFileDatasink):
        def write_block_to_file(self, block, file) -> None:
            table = block.to_arrow().sort_by("seq")
            if shard_format == "parquet":
                import pyarrow.parquet as pq

                pq.write_table(table, file)
                return
            for seq, line in zip(table["seq"].to_pylist(), table["document"].to_pylist()):
                file.write(f'{{"seq": {seq}, "document": {line}}}\n'.encode())

        def write(self, blocks, ctx) -> tuple[int, int]:
            blocks = list(blocks)
            super().write(blocks, ctx)
            tables = [t for t in (BlockAccessor.for_block(b).to_arrow() for b in blocks) if t.num_rows]
            documents = sum(t.num_rows for t in tables)
            errors = sum(t.num_rows - pc.sum(pc.is_null(t["error"])).as_py() for t in tables)
            return documents, errors

        def on_write_complete(self, write_result) -> None:  # runs on the driver
            super().on_write_complete(write_result)
            returns = write_result.write_returns
            self.counts = (sum(docs for docs, _ in returns), sum(errors for _, errors in returns))

    return ShardSink(path, file_format=shard_format, mode=SaveMode.OVERWRITE, min_rows_per_file=shard_size)


def _read_shard(path: Path) -> Iterator[tuple[int, str]]:
    """(seq, output line) of one shard, in the shard's (seq) order."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=["seq", "document"])
        yield from zip(table["seq"].to_pylist(), table["document"].to_pylist())
        return
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            row = json.loads(raw)
            yield row["seq"], json.dumps(row["document"], ensure_ascii=False)


def merge_shards(shards: str | Path, output: str | Path) -> int:
    """Merge the shards of a folder into one JSONL file in input (``seq``) order; return the line count.

    The lines are those the local engine writes for the same inputs.
    """
    folder = Path(shards)
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".jsonl", ".parquet")) if folder.is_dir() else []
    count = 0
    with open(output, "w", encoding="utf-8") as out:
        for _, line in heapq.merge(*(_read_shard(p) for p in paths), key=lambda pair: pair[0]):
            out.write(line + "\n")
            count += 1
    return count


# --- the whole run ----------------------------------------------------------------------------


def _connect(address: str | None, runtime_env: dict | None) -> bool:
    """Connect to Ray (``address``, else ``RAY_ADDRESS``, else a new local instance); True if we started it."""
    ray = _import_ray()
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"runtime_env": runtime_env, "logging_level": logging.WARNING}
    if address:
        options["address"] = address
    elif not os.environ.get("RAY_ADDRESS"):
        options["include_dashboard"] = False
    ray.init(**options)
    return True


def shard_folder(output: str | Path) -> str:
    """Where the shards of ``output`` go: ``OUT.jsonl`` → ``OUT.jsonl.shards``; a folder is itself."""
    output = str(output)
    return output + SHARDS_SUFFIX if output.endswith(".jsonl") else output


def tag_inputs_ray(
    inputs: list[str],
    output: str | Path,
    *,
    model: str | None = None,
    precision: str = "auto",
    actors: int | None = None,
    threads: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = 32,
    shard_format: str = "jsonl",
    shard_size: int = 1000,
    fmt: str = AUTO,
    address: str | None = None,
    runtime_env: dict | None = None,
    progress: bool = True,
    rules: bool | None = None,
) -> TagSummary:
    """Tag every document of ``inputs`` on Ray Data; write shards, and merge them for ``*.jsonl``.

    ``output`` is a folder (or URI Ray can write, e.g. ``s3://…``) for the shards only, or
    ``OUT.jsonl``: shards in ``OUT.jsonl.shards/`` and the merged ``OUT.jsonl``, equal line by line
    to what ``vner tag`` writes; a shard holds at least ``shard_size`` documents (the last one
    of a writer may hold fewer). ``address`` is a Ray address (``auto``, ``ray://host:10001``);
    without it ``RAY_ADDRESS`` is used, else a local instance is started (and stopped at the end).
    A Ray session that is already initialised is used as it is. ``fmt`` forces the input format
    (see :func:`~vner.serving.readers.iter_inputs`); see :func:`tag_dataset` for ``actors``,
    ``threads``, ``batch_size``, ``chunk_size`` and ``rules``.
    """
    from vner.serving.readers import iter_inputs

    if shard_format not in SHARD_FORMATS:
        raise ValueError(f"shard_format must be one of {', '.join(SHARD_FORMATS)}, not {shard_format!r}")
    started = time.perf_counter()
    ray = _import_ray()
    own_session = _connect(address, runtime_env)
    from ray.data import DataContext

    context = DataContext.get_current()
    progress_bars, context.enable_progress_bars = context.enable_progress_bars, progress
    try:
        actors, threads = actor_pool(actors, threads)  # checked before the inputs are read
        dataset = documents_dataset(iter_inputs(inputs, fmt=fmt), chunk_size)
        tagged = tag_dataset(dataset, model=model, precision=precision, actors=actors, threads=threads,
                             batch_size=batch_size, chunk_size=chunk_size, rules=rules)
        sink = _shard_sink(shard_folder(output), shard_format, shard_size)
        # Writing is light I/O: it takes no CPU, so it need not wait for the actors to finish.
        tagged.write_datasink(sink, ray_remote_args={"num_cpus": 0}, concurrency=actors)
        documents, errors = getattr(sink, "counts", (0, 0))
    finally:
        context.enable_progress_bars = progress_bars
        if own_session:
            ray.shutdown()
    if str(output).endswith(".jsonl"):
        merge_shards(shard_folder(output), output)
    return TagSummary(documents=documents, errors=errors, seconds=time.perf_counter() - started)
