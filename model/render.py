"""Showing documents to people: plain text for terminals, self-contained HTML for browsers and notebooks."""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

from vner.model.document import Document, Entity
from vner.model.schema import ENTITY_TYPES, EntityType

#: One colour per entity type (colour-blind-safe palette).
TYPE_COLOURS = {
    EntityType.PER: "#e69f00",
    EntityType.ORG: "#56b4e9",
    EntityType.LOC: "#009e73",
    EntityType.POS: "#f0e442",
    EntityType.DOC: "#cc79a7",
    EntityType.DATE: "#d55e00",
}
#: The same colours keyed by type name, as documents spell types.
COLOUR_BY_NAME = {t.value: colour for t, colour in TYPE_COLOURS.items()}


def _ordered(doc: Document) -> list[Entity]:
    return sorted(doc.entities, key=lambda e: (e.start, e.end))


def render_text(doc: Document) -> str:
    """The text with ``[mention]TYPE`` marks, then one line per relation."""
    parts, cursor = [], 0
    for ent in _ordered(doc):
        parts.append(doc.text[cursor : ent.start])
        parts.append(f"[{doc.text[ent.start:ent.end]}]{ent.type}")
        cursor = ent.end
    parts.append(doc.text[cursor:])
    lines = [f"# {doc.id}" if doc.id else "#", "".join(parts).rstrip()]
    if doc.error:
        lines.append(f"error: {doc.error}")
    by_id = {e.id: e for e in doc.entities}
    for rel in doc.relations:
        head, tail = by_id.get(rel.head), by_id.get(rel.tail)
        if head and tail:
            lines.append(f"  {rel.type}: {head.text} ({head.type}) → {tail.text} ({tail.type})")
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#222}
.doc{border-bottom:1px solid #ccc;padding-bottom:1.5rem;margin-bottom:1.5rem}
.text{white-space:pre-wrap}
mark.ent{padding:0 .15em;border-radius:.25em;border-bottom:3px solid var(--c);
 background:color-mix(in srgb,var(--c) 30%,white)}
mark.ent sub{font-size:.6em;font-weight:bold;margin-left:.2em;color:#333}
table{border-collapse:collapse;margin-top:.8rem;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em}
.legend span{margin-right:1em}.error{color:#b00}
mark.ent.flagged{outline:2px dashed #b00;outline-offset:1px}
"""


def document_html(doc: Document, flagged: Collection[str] = ()) -> str:
    """One document as an HTML section: highlighted mentions, then its relation table.

    Entities whose id is in ``flagged`` get a red dashed outline (the evaluation report marks errors so).
    """
    parts, cursor = [], 0
    for ent in _ordered(doc):
        parts.append(html.escape(doc.text[cursor : ent.start]))
        colour = COLOUR_BY_NAME.get(ent.type, "#999")
        title = f"{ent.id} {ent.type}" + (f" {ent.score:.2f}" if ent.score is not None else "")
        classes = "ent flagged" if ent.id in flagged else "ent"
        parts.append(
            f'<mark class="{classes}" id="{html.escape(doc.id)}-{html.escape(ent.id)}" data-type="{ent.type}" '
            f'title="{html.escape(title)}" style="--c:{colour}">{html.escape(doc.text[ent.start:ent.end])}'
            f"<sub>{ent.type}</sub></mark>"
        )
        cursor = ent.end
    parts.append(html.escape(doc.text[cursor:]))
    by_id = {e.id: e for e in doc.entities}
    rows = []
    for rel in doc.relations:
        head, tail = by_id.get(rel.head), by_id.get(rel.tail)
        if head and tail:
            score = f"{rel.score:.2f}" if rel.score is not None else ""
            rows.append(
                f'<tr><td><a href="#{html.escape(doc.id)}-{head.id}">{html.escape(head.text)}</a> ({head.type})</td>'
                f"<td>{html.escape(rel.type)}</td>"
                f'<td><a href="#{html.escape(doc.id)}-{tail.id}">{html.escape(tail.text)}</a> ({tail.type})</td>'
                f"<td>{score}</td></tr>"
            )
    table = (
        "<table><tr><th>head</th><th>relation</th><th>tail</th><th>score</th></tr>" + "".join(rows) + "</table>"
        if rows else ""
    )
    error = f'<p class="error">error: {html.escape(doc.error)}</p>' if doc.error else ""
    return (f'<section class="doc"><h2>{html.escape(doc.id)}</h2>{error}'
            f'<div class="text">{"".join(parts)}</div>{table}</section>')


def legend_html() -> str:
    """One highlight per entity type, in schema order, with its colour."""
    return '<p class="legend">' + "".join(
        f'<span><mark class="ent" style="--c:{TYPE_COLOURS[t]}">{t.value}</mark></span>' for t in ENTITY_TYPES
    ) + "</p>"


def html_page(title: str, body: str, style: str = "") -> str:
    """A self-contained page (no scripts, no network) with the highlight styles plus ``style``."""
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}{style}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")


def render_html(docs: Sequence[Document], title: str = "vner") -> str:
    """A self-contained HTML page (no scripts, no network) showing documents with their annotations."""
    return html_page(title, legend_html() + "".join(document_html(doc) for doc in docs))
