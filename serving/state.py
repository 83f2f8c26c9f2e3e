"""What earlier runs tagged, for incremental runs (``vner tag --state FILE``), and duplicate texts.

The state file is JSONL, appended to, one line per document written to the output::

    {"id": "https://bao.example/tin/1", "hash": "5d0c…"}
    {"id": "https://bao.example/tin/9", "hash": "5d0c…", "duplicate_of": "https://bao.example/tin/1"}

``hash`` is the BLAKE2b-128 digest of the text's UTF-8 bytes (hex). A later line for the same
id (its text changed) overrides the earlier one. Nothing is ever rewritten: a run killed part
way leaves at most a torn last line, dropped when the file is next opened, so what it had
recorded stays recorded. Documents whose line is an ``error`` are not recorded: they are tried
again next time.

:meth:`TagState.plan` decides for each document of a run: ``skip`` (this id was tagged with
this very text, by an earlier run or earlier in this one), ``tag`` (new id, or changed text),
or a link to the id that first had this exact text (``duplicate``: not tagged again).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SKIP, TAG, DUPLICATE = "skip", "tag", "duplicate"


def text_hash(text: str) -> str:
    """The digest a text is known by in the state file.

    >>> text_hash("Hà Nội") == text_hash("Hà Nội"), text_hash("Hà Nội") == text_hash("Hà Nội.")
    (True, False)
    """
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What to do with one document: :data:`SKIP`, :data:`TAG`, or :data:`DUPLICATE` of ``first``."""

    action: str
    text_hash: str
    first: str | None = None


@dataclass(frozen=True)
class Record:
    """One line of the state file."""

    id: str
    hash: str
    duplicate_of: str | None = None

    def to_json(self) -> str:
        data = {"id": self.id, "hash": self.hash}
        if self.duplicate_of is not None:
            data["duplicate_of"] = self.duplicate_of
        return json.dumps(data, ensure_ascii=False)


def drop_torn_tail(path: Path) -> None:
    """Cut a last line without its newline (a killed run) so that appending starts clean."""
    size = path.stat().st_size
    if not size:
        return
    with open(path, "rb+") as handle:
        position = size
        while position > 0:
            step = min(64 * 1024, position)
            handle.seek(position - step)
            block = handle.read(step)
            if position == size and block.endswith(b"\n"):
                return
            newline = block.rfind(b"\n")
            if newline >= 0:
                position = position - step + newline + 1
                break
            position -= step
        log.warning("%s: dropping an incomplete last line left by an interrupted run", path)
        handle.truncate(position)


class TagState:
    """The ids and text hashes already tagged, read from and appended to a JSONL file.

    Use as a context manager, or call :meth:`close`. :meth:`plan` may run in another thread
    than :meth:`record` (the batch driver plans in its pool's feeder thread): each touches
    its own data.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        #: id → hash of the text it was last tagged with (earlier runs, then this run's plans).
        self._ids: dict[str, str] = {}
        #: hash → the id that first had that text.
        self._firsts: dict[str, str] = {}
        if self.path.exists():
            drop_torn_tail(self.path)
            self._load()
        self._out = open(self.path, "a", encoding="utf-8")

    def _load(self) -> None:
        with open(self.path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                try:
                    data = json.loads(line)
                    self._remember(str(data["id"]), str(data["hash"]))
                except (ValueError, KeyError, TypeError):
                    log.warning("%s:%d: not a state line, ignored", self.path, line_no)

    def _remember(self, doc_id: str, digest: str) -> None:
        old = self._ids.get(doc_id)
        if old is not None and old != digest and self._firsts.get(old) == doc_id:
            del self._firsts[old]  # this id no longer holds that text: do not link new items to it
        self._ids[doc_id] = digest
        self._firsts.setdefault(digest, doc_id)

    def plan(self, doc_id: str, text: str) -> Verdict:
        """Skip, tag, or link ``doc_id`` with this ``text``; remembers it for the rest of the run."""
        digest = text_hash(text)
        if self._ids.get(doc_id) == digest:
            return Verdict(SKIP, digest)
        first = self._firsts.get(digest)
        self._remember(doc_id, digest)
        if first is not None and first != doc_id:
            return Verdict(DUPLICATE, digest, first)
        return Verdict(TAG, digest)

    def record(self, records: Iterable[Record]) -> None:
        """Append records and flush: call after their output lines are flushed."""
        lines = [record.to_json() + "\n" for record in records]
        if lines:
            self._out.write("".join(lines))
            self._out.flush()

    def __len__(self) -> int:
        return len(self._ids)

    def close(self) -> None:
        self._out.close()

    def __enter__(self) -> TagState:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
