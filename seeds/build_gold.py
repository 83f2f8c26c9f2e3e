"""Build ``seeds/gold.jsonl`` from the hand-written mention lists in ``seeds/annotations/``.

Annotators list mentions in reading order, never offsets; this script finds each
mention in the article after the previous one, on word edges, so every offset is
computed by code. Usage::

    python seeds/build_gold.py            # write seeds/gold.jsonl, report possible misses
    python seeds/build_gold.py --check    # only check, write nothing
    python seeds/build_gold.py --only 000_483d9ad60788fe5b   # check one article

Annotation file format (one file per article, ``<article id>.tsv``)::

    # comment
    T1 PER Bùi Văn Khắng           entity: id, type, mention as written in the text
    R has_position T1 T2           relation: type, head id, tail id
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from vner.model.document import Document, Entity, Relation, read_jsonl, write_jsonl
from vner.model.validate import check_document

SEEDS = Path(__file__).resolve().parent


def _joined(left: str, right: str) -> bool:
    """Whether two adjacent characters belong to one word.

    A digit next to a letter is a word edge: scraped bylines glue dates to
    names ("22/11/2024Hương Giang").
    """
    return left.isalnum() and right.isalnum() and left.isdigit() == right.isdigit()


def find_mention(text: str, mention: str, cursor: int) -> int:
    """First occurrence of ``mention`` at or after ``cursor`` that starts and ends on word edges."""
    pos = text.find(mention, cursor)
    while pos >= 0:
        before = text[pos - 1] if pos > 0 else " "
        after = text[pos + len(mention)] if pos + len(mention) < len(text) else " "
        if not _joined(before, mention[0]) and not _joined(mention[-1], after):
            return pos
        pos = text.find(mention, pos + 1)
    return -1


def build_document(doc_id: str, text: str, lines: list[str]) -> Document:
    """Turn one annotation file into a Document; ``ValueError`` names the bad line."""
    doc = Document(id=doc_id, text=text)
    cursor = 0
    for line_no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(maxsplit=2)
        if fields[0] == "R":
            rel_fields = line.split()
            if len(rel_fields) != 4:
                raise ValueError(f"{doc_id}.tsv:{line_no}: a relation line is 'R type head tail'")
            doc.relations.append(Relation(type=rel_fields[1], head=rel_fields[2], tail=rel_fields[3]))
            continue
        if len(fields) != 3:
            raise ValueError(f"{doc_id}.tsv:{line_no}: an entity line is 'Tn TYPE mention'")
        ent_id, ent_type, mention = fields
        start = find_mention(text, mention, cursor)
        if start < 0:
            raise ValueError(f"{doc_id}.tsv:{line_no}: {mention!r} not found after offset {cursor}")
        end = start + len(mention)
        doc.entities.append(Entity(id=ent_id, type=ent_type, start=start, end=end, text=mention))
        cursor = end
    return _renumber(doc)


def _renumber(doc: Document) -> Document:
    """Give entities the ids T1, T2, … in reading order (annotators may insert ids like T80a)."""
    new_ids = {ent.id: f"T{n}" for n, ent in enumerate(doc.entities, 1)}
    for ent in doc.entities:
        ent.id = new_ids[ent.id]
    for rel in doc.relations:
        rel.head, rel.tail = new_ids.get(rel.head, rel.head), new_ids.get(rel.tail, rel.tail)
    return doc


def possible_misses(doc: Document) -> list[str]:
    """Occurrences of an annotated mention string that no entity covers."""
    covered = [(e.start, e.end) for e in doc.entities]
    notes = []
    for mention in sorted({e.text for e in doc.entities}):
        for match in re.finditer(re.escape(mention), doc.text):
            if find_mention(doc.text, mention, match.start()) != match.start():
                continue
            if not any(s < match.end() and match.start() < e for s, e in covered):
                line = doc.text.count("\n", 0, match.start()) + 1
                notes.append(f"{doc.id}: line {line}: {mention!r} at {match.start()} is not annotated")
    return notes


def _texts(source: Path) -> dict[str, str]:
    """Article id → text, from a folder of ``<id>.txt`` or a JSONL(.gz) file with ``id`` and ``text``."""
    if source.is_dir():
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))}
    return {doc.id: doc.text for doc in read_jsonl(source)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check only, write nothing")
    parser.add_argument("--only", metavar="ID", help="check one article only (implies --check)")
    parser.add_argument("--texts", type=Path, nargs="+", default=[SEEDS],
                        help="folders of <id>.txt, or JSONL(.gz) files with id and text (default: seeds/)")
    parser.add_argument("--annotations", type=Path, default=SEEDS / "annotations",
                        help="folder of <id>.tsv (default: seeds/annotations/)")
    parser.add_argument("--output", type=Path, default=SEEDS / "gold.jsonl", help="JSONL to write")
    args = parser.parse_args(argv)
    texts = {doc_id: text for source in args.texts for doc_id, text in _texts(source).items()}
    sources = sorted(args.annotations.glob(f"{args.only or '*'}.tsv"))
    if args.texts == [SEEDS]:  # every seed article must be annotated
        sources = [args.annotations / f"{doc_id}.tsv" for doc_id in sorted(texts) if args.only in (None, doc_id)]
    docs, failed = [], False
    for source in sources:
        if not source.exists() or source.stem not in texts:
            print(f"missing {'annotation file' if not source.exists() else 'text of'} {source}", file=sys.stderr)
            failed = True
            continue
        try:
            doc = build_document(source.stem, texts[source.stem], source.read_text(encoding="utf-8").splitlines())
        except ValueError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        for problem in check_document(doc):
            print(problem, file=sys.stderr)
            failed = True
        for note in possible_misses(doc):
            print("note:", note)
        docs.append(doc)
        print(f"{doc.id}: {len(doc.entities)} entities, {len(doc.relations)} relations")
    if failed:
        return 1
    if not (args.check or args.only):
        write_jsonl(docs, args.output)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
