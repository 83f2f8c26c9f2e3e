"""Conversion between the JSONL format, CoNLL BIO over words and BRAT standoff.

Both conversions are lossless for id, text, entities (ids included) and relations:
CoNLL keeps the text and the relations in comment lines, BRAT keeps the text in
its ``.txt`` file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Iterator

from vner.model.bio import bio_tags, spans_from_bio
from vner.model.document import Document, Entity, Relation, read_jsonl, write_jsonl

Span = tuple[int, int]
_TOKEN = re.compile(r"\w+|[^\w\s]")
_NO_ID = "_"


def word_spans(text: str, cuts: Iterable[int] = ()) -> list[Span]:
    """Syllable/punctuation tokens of ``text``, also split at every offset in ``cuts``."""
    cut_set = set(cuts)
    spans: list[Span] = []
    for match in _TOKEN.finditer(text):
        start = match.start()
        for cut in sorted(c for c in cut_set if match.start() < c < match.end()):
            spans.append((start, cut))
            start = cut
        spans.append((start, match.end()))
    return spans


# --- CoNLL ---------------------------------------------------------------------------

def to_conll(doc: Document) -> str:
    """One document as CoNLL: comment header, then ``word start end tag entity_id`` lines."""
    cuts = [o for e in doc.entities for o in (e.start, e.end)]
    spans = word_spans(doc.text, cuts)
    tags = bio_tags(spans, doc.entities)
    first_token = {min(i for i, (s, _) in enumerate(spans) if s >= e.start): e.id for e in doc.entities}
    lines = [f"# id = {doc.id}", f"# text = {json.dumps(doc.text, ensure_ascii=False)}"]
    lines += [f"# relation = {r.type} {r.head} {r.tail}" for r in doc.relations]
    for i, ((start, end), tag) in enumerate(zip(spans, tags)):
        lines.append(f"{doc.text[start:end]}\t{start}\t{end}\t{tag}\t{first_token.get(i, _NO_ID)}")
    return "\n".join(lines) + "\n"


def _conll_document(block: list[str]) -> Document:
    header = {}
    relations = []
    rows = []
    for line in block:
        if line.startswith("# relation = "):
            rel_type, head, tail = line[len("# relation = "):].split()
            relations.append(Relation(rel_type, head, tail))
        elif line.startswith("# "):
            key, _, value = line[2:].partition(" = ")
            header[key] = value
        else:
            rows.append(line.split("\t"))
    text = json.loads(header["text"])
    tags = [row[3] for row in rows]
    entities = []
    for ent_type, first, last in spans_from_bio(tags):
        start, end = int(rows[first][1]), int(rows[last - 1][2])
        ent_id = rows[first][4] if rows[first][4] != _NO_ID else f"T{len(entities) + 1}"
        entities.append(Entity(ent_id, ent_type, start, end, text[start:end]))
    return Document(id=header["id"], text=text, entities=entities, relations=relations)


def read_conll(path: str | Path) -> Iterator[Document]:
    """Documents of a CoNLL file written by :func:`write_conll` (blank line between documents)."""
    block: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line:
                block.append(line)
            elif block:
                yield _conll_document(block)
                block = []
    if block:
        yield _conll_document(block)


def write_conll(docs: Iterable[Document], path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(to_conll(doc) + "\n")
            count += 1
    return count


# --- BRAT ----------------------------------------------------------------------------

def to_brat(doc: Document) -> str:
    """The ``.ann`` standoff of one document (its ``.txt`` is ``doc.text``)."""
    lines = [f"{e.id}\t{e.type} {e.start} {e.end}\t{e.text}" for e in doc.entities]
    lines += [f"R{i}\t{r.type} Arg1:{r.head} Arg2:{r.tail}" for i, r in enumerate(doc.relations, 1)]
    return "\n".join(lines) + ("\n" if lines else "")


def from_brat(doc_id: str, text: str, ann: str) -> Document:
    doc = Document(id=doc_id, text=text)
    for line in ann.splitlines():
        if line.startswith("T"):
            ent_id, body, mention = line.split("\t", 2)
            ent_type, start, end = body.split()
            doc.entities.append(Entity(ent_id, ent_type, int(start), int(end), mention))
        elif line.startswith("R"):
            _, body = line.split("\t", 1)
            rel_type, arg1, arg2 = body.split()
            doc.relations.append(Relation(rel_type, arg1.split(":", 1)[1], arg2.split(":", 1)[1]))
    return doc


def write_brat(docs: Iterable[Document], folder: str | Path) -> int:
    """Write ``<id>.txt`` and ``<id>.ann`` per document into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for doc in docs:
        # newline="" keeps the text byte for byte (no newline translation)
        with open(folder / f"{doc.id}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(doc.text)
        with open(folder / f"{doc.id}.ann", "w", encoding="utf-8", newline="") as handle:
            handle.write(to_brat(doc))
        count += 1
    return count


def read_brat(folder: str | Path) -> Iterator[Document]:
    """Documents of a BRAT folder, in file-name order."""
    for ann_path in sorted(Path(folder).glob("*.ann")):
        with open(ann_path.with_suffix(".txt"), encoding="utf-8", newline="") as handle:
            text = handle.read()
        yield from_brat(ann_path.stem, text, ann_path.read_text(encoding="utf-8"))


# --- dispatch ------------------------------------------------------------------------

FORMATS = ("jsonl", "conll", "brat")


def detect_format(path: str | Path) -> str:
    """``brat`` for a folder, else by extension: ``.jsonl``/``.jsonl.gz`` or ``.conll``."""
    path = Path(path)
    name = path.name.lower()
    if path.is_dir() or not path.suffix:
        return "brat"
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if name.endswith((".conll", ".bio", ".conll03")):
        return "conll"
    raise ValueError(f"cannot tell the format of {path}: name it with --from/--to ({', '.join(FORMATS)})")


def read_documents(path: str | Path, fmt: str | None = None) -> Iterator[Document]:
    """Documents of ``path`` in any of :data:`FORMATS`."""
    readers = {"jsonl": read_jsonl, "conll": read_conll, "brat": read_brat}
    return readers[fmt or detect_format(path)](path)


def write_documents(docs: Iterable[Document], path: str | Path, fmt: str | None = None) -> int:
    """Write documents to ``path`` in any of :data:`FORMATS`; return how many."""
    writers = {"jsonl": write_jsonl, "conll": write_conll, "brat": write_brat}
    return writers[fmt or detect_format(path)](docs, path)


def convert(source: str | Path, target: str | Path, source_format: str | None = None,
            target_format: str | None = None) -> int:
    """Convert annotated documents between formats; return how many were converted."""
    return write_documents(read_documents(source, source_format), target, target_format)
