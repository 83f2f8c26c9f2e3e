"""Checks that annotated documents follow the guide: the engine behind ``vner validate``."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from vner.model.document import Document, open_text
from vner.model.schema import EntityType, RelationType, is_allowed
from vner.model.text import sentence_index, split_sentences


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one document (``where`` names the entity or relation)."""

    doc_id: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.where}: {self.message}"


def check_document(doc: Document) -> list[Problem]:
    """Every problem of one document: text, offsets, overlaps, types, relations."""
    problems: list[Problem] = []

    def report(where: str, message: str) -> None:
        problems.append(Problem(doc.id, where, message))

    if not isinstance(doc.text, str):
        report("text", "text is not a string")
        return problems
    if not unicodedata.is_normalized("NFC", doc.text):
        report("text", "text is not Unicode NFC")

    seen_ids: set[str] = set()
    types: dict[str, EntityType] = {}
    spans: dict[str, tuple[int, int]] = {}
    for ent in doc.entities:
        where = f"entity {ent.id}"
        if ent.id in seen_ids:
            report(where, "duplicate entity id")
        seen_ids.add(ent.id)
        try:
            types[ent.id] = EntityType(ent.type)
        except ValueError:
            report(where, f"unknown entity type {ent.type!r}")
        if not 0 <= ent.start < ent.end <= len(doc.text):
            report(where, f"offsets {ent.start}-{ent.end} are outside the text (length {len(doc.text)})")
            continue
        mention = doc.text[ent.start : ent.end]
        if mention != ent.text:
            report(where, f"text {ent.text!r} differs from text[{ent.start}:{ent.end}] = {mention!r}")
        if mention != mention.strip():
            report(where, f"span {mention!r} has leading or trailing white space")
        spans[ent.id] = (ent.start, ent.end)

    ordered = sorted(spans.items(), key=lambda item: item[1])
    for (id_a, (_, end_a)), (id_b, (start_b, _)) in zip(ordered, ordered[1:]):
        if start_b < end_a:
            report(f"entity {id_b}", f"overlaps entity {id_a}")

    sentences = split_sentences(doc.text)
    for number, rel in enumerate(doc.relations, 1):
        where = f"relation {number} ({rel.type} {rel.head}->{rel.tail})"
        try:
            rel_type = RelationType(rel.type)
        except ValueError:
            report(where, f"unknown relation type {rel.type!r}")
            continue
        missing = [end for end in (rel.head, rel.tail) if end not in seen_ids]
        if missing:
            report(where, f"names missing entity {', '.join(missing)}")
            continue
        if rel.head in types and rel.tail in types and not is_allowed(rel_type, types[rel.head], types[rel.tail]):
            report(where, f"{rel.type} may not join {types[rel.head].value} to {types[rel.tail].value}")
        if rel.head in spans and rel.tail in spans:
            head_sentence = sentence_index(sentences, spans[rel.head][0])
            tail_sentence = sentence_index(sentences, spans[rel.tail][0])
            if head_sentence != tail_sentence:
                report(where, "head and tail are in different sentences")
    return problems


def check_documents(docs: Iterable[Document]) -> list[Problem]:
    """Problems of many documents, plus duplicate document ids."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            problems.append(Problem(doc.id, "document", "duplicate document id"))
        seen.add(doc.id)
        problems.extend(check_document(doc))
    return problems


def validate_file(path: str | Path) -> list[Problem]:
    """Read a JSONL(.gz) file and return every problem, unreadable lines included."""
    problems: list[Problem] = []
    docs: list[Document] = []
    with open_text(path) as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                docs.append(Document.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(Problem(f"line {line_no}", "document", f"unreadable: {exc}"))
    problems.extend(check_documents(docs))
    return problems
