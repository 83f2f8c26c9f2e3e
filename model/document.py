"""Plain dataclasses for annotated documents and their JSONL form (the guide's file format)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from vner.model.schema import RELATION_SIGNATURES, RelationType

# Keys of the guide's format; any other key on a line is kept in ``Document.meta``.
_DOC_KEYS = ("id", "text", "entities", "relations", "error")


@dataclass
class Entity:
    """A typed mention: ``text == document_text[start:end]``."""

    id: str
    type: str
    start: int
    end: int
    text: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data.get("text", "")),
            score=data.get("score"),
        )

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass
class Relation:
    """A typed, directed link from entity ``head`` to entity ``tail`` (entity ids)."""

    type: str
    head: str
    tail: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "head": self.head, "tail": self.tail}
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        return cls(
            type=str(data["type"]),
            head=str(data["head"]),
            tail=str(data["tail"]),
            score=data.get("score"),
        )


@dataclass
class Document:
    """A text with its entities and relations.

    ``error`` is set instead of annotations when the input could not be processed;
    ``meta`` keeps any other keys of the input line (title, url, …) unchanged.
    """

    id: str
    text: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; ``KeyError`` when there is none."""
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        raise KeyError(f"document {self.id!r} has no entity {entity_id!r}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        out.update(self.meta)
        if self.error is not None:
            out["error"] = self.error
        out["entities"] = [e.to_dict() for e in self.entities]
        out["relations"] = [r.to_dict() for r in self.relations]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def _repr_html_(self) -> str:
        """Highlights by type and a relation table, for notebooks."""
        from vner.model.render import render_html

        return render_html([self], title=self.id or "vner")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        if not isinstance(data, dict):
            raise ValueError("a document must be a JSON object")
        missing = [k for k in ("id", "text") if k not in data]
        if missing:
            raise ValueError(f"document is missing {', '.join(missing)}")
        return cls(
            id=str(data["id"]),
            text=data["text"],
            entities=[Entity.from_dict(e) for e in data.get("entities", [])],
            relations=[Relation.from_dict(r) for r in data.get("relations", [])],
            error=data.get("error"),
            meta={k: v for k, v in data.items() if k not in _DOC_KEYS},
        )

    @classmethod
    def from_json(cls, line: str) -> Document:
        return cls.from_dict(json.loads(line))


def relation_key(doc: Document, rel: Relation) -> tuple:
    """A comparable identity of a relation: type and both spans with their types.

    Symmetric relations (``cooperates_with``) get their two ends in a fixed order,
    so A–B and B–A compare equal, as the guide's scoring asks.
    """
    head, tail = doc.entity(rel.head), doc.entity(rel.tail)
    ends = [(head.start, head.end, head.type), (tail.start, tail.end, tail.type)]
    try:
        symmetric = RELATION_SIGNATURES[RelationType(rel.type)].symmetric
    except ValueError:
        symmetric = False
    if symmetric:
        ends.sort()
    return (rel.type, ends[0], ends[1])


def open_text(path: str | Path, mode: str = "rt") -> IO[str]:
    """Open a UTF-8 text file, transparently gunzipping ``*.gz``."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, mode, encoding="utf-8")  # type: ignore[return-value]
    return open(path, mode, encoding="utf-8")


def read_jsonl(path: str | Path) -> Iterator[Document]:
    """Yield the documents of a JSONL(.gz) file; ``ValueError`` names the bad line."""
    with open_text(path) as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield Document.from_json(line)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{line_no}: {exc}") from exc


def write_jsonl(docs: Iterable[Document], path: str | Path) -> int:
    """Write documents as JSONL; return how many were written."""
    count = 0
    with open_text(path, "wt") as handle:
        for doc in docs:
            handle.write(doc.to_json() + "\n")
            count += 1
    return count
