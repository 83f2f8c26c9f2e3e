"""The evaluation report: one self-contained HTML page (inline CSS and SVG; no script, nothing fetched).

Three parts:

* per-type precision, recall and F1 as bars, for entities and relations, scored as
  :func:`vner.training.metrics.score_documents` scores them (exact spans);
* the confusion between entity types: a gold and a predicted mention are paired when
  their spans are equal or overlap, so a row counts where a gold type's mentions went
  (``missed``: no predicted mention on them) and a column where a predicted type's
  mentions came from (``spurious``: no gold mention under them);
* the sentences with the most errors, gold beside predicted, drawn by
  :func:`vner.model.render.document_html` with the wrong mentions outlined.

Type names come from :mod:`vner.model.schema`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from vner.model.document import Document, Entity
from vner.model.render import COLOUR_BY_NAME, document_html, html_page, legend_html
from vner.model.schema import ENTITY_TYPES, RELATION_TYPES
from vner.model.text import split_sentences
from vner.training.metrics import PRF, Report, entity_keys, relation_keys, score_documents

MISSED = "missed"  # confusion column: a gold mention no predicted mention overlaps
SPURIOUS = "spurious"  # confusion row: a predicted mention no gold mention overlaps
METRIC_COLOURS = {"precision": "#0072b2", "recall": "#e69f00", "f1": "#009e73"}  # Okabe-Ito, colour-blind-safe
NEUTRAL_COLOUR = "#999"

Span = tuple[int, int]


def pair_mentions(
    gold: Sequence[Entity], predicted: Sequence[Entity]
) -> tuple[list[tuple[Entity, Entity]], list[Entity], list[Entity]]:
    """(gold, predicted) pairs on equal or overlapping spans, then the unpaired gold and predicted mentions.

    Greedy, best pairs first: equal spans before overlaps, then the same type before another, then
    longer overlaps; each mention is in one pair at most. Quadratic in a document's mentions, which
    evaluation data keeps small.
    """
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0:
                candidates.append((g.span != p.span, g.type != p.type, -overlap, i, j))
    candidates.sort()
    pairs, used_gold, used_predicted = [], set(), set()
    for *_, i, j in candidates:
        if i not in used_gold and j not in used_predicted:
            pairs.append((gold[i], predicted[j]))
            used_gold.add(i)
            used_predicted.add(j)
    return (pairs, [g for i, g in enumerate(gold) if i not in used_gold],
            [p for j, p in enumerate(predicted) if j not in used_predicted])


def _predicted_for(gold: Sequence[Document], predicted: Sequence[Document]) -> list[Document]:
    """The prediction of each gold document, in gold order; a missing one counts as predicted empty."""
    by_id = {doc.id: doc for doc in predicted}
    return [by_id.get(doc.id) or Document(doc.id, doc.text) for doc in gold]


def entity_confusion(gold: Sequence[Document], predicted: Sequence[Document]) -> dict[str, dict[str, int]]:
    """Gold type (or ``spurious``) → predicted type (or ``missed``) → mentions, over every document.

    Row sums are the gold mentions of each type, column sums the predicted mentions of each type.
    The ``spurious`` row has no ``missed`` cell: no mention is both.
    """
    types = [t.value for t in ENTITY_TYPES]
    matrix = {row: dict.fromkeys([*types, MISSED], 0) for row in types}
    matrix[SPURIOUS] = dict.fromkeys(types, 0)

    def count(row: str, column: str) -> None:
        if row not in matrix or column not in matrix[row]:
            raise ValueError(f"entity type {row if row not in matrix else column!r} is outside the schema")
        matrix[row][column] += 1

    for gold_doc, pred_doc in zip(gold, _predicted_for(gold, predicted)):
        pairs, missed, spurious = pair_mentions(gold_doc.entities, pred_doc.entities)
        for g, p in pairs:
            count(g.type, p.type)
        for g in missed:
            count(g.type, MISSED)
        for p in spurious:
            count(SPURIOUS, p.type)
    return matrix


@dataclass
class Excerpt:
    """A sentence of a document (or sentences a mention runs across) with its gold and predicted annotations."""

    doc_id: str
    sentence: int  # index of the excerpt's first sentence in the document
    gold: Document
    predicted: Document
    errors: list[str]  # one line per missed or spurious entity or relation
    flagged_gold: set[str]  # ids of the gold entities that were missed
    flagged_predicted: set[str]  # ids of the predicted entities that are spurious


def excerpt_spans(text: str, entities: Sequence[Entity]) -> list[Span]:
    """Sentence spans of ``text``, neighbours merged where a mention crosses their boundary."""
    spans: list[Span] = []
    for start, end in split_sentences(text):
        if spans and any(e.start < start and e.end > spans[-1][1] for e in entities):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _cut(doc: Document, start: int, end: int, doc_id: str) -> Document:
    """The part of ``doc`` in [start, end): its mentions shifted, the relations with both ends inside."""
    entities = [Entity(e.id, e.type, e.start - start, e.end - start, e.text, e.score)
                for e in doc.entities if start <= e.start and e.end <= end]
    inside = {e.id for e in entities}
    relations = [r for r in doc.relations if r.head in inside and r.tail in inside]
    return Document(doc_id, doc.text[start:end], entities, relations)


def _relation_line(key: tuple, text: str) -> str:
    rel_type, (h_start, h_end, h_type), (t_start, t_end, t_type) = key
    return f"{rel_type}: «{text[h_start:h_end]}» ({h_type}) → «{text[t_start:t_end]}» ({t_type})"


def compare_excerpt(doc_id: str, sentence: int, gold: Document, predicted: Document) -> Excerpt:
    """The errors of one excerpt: entities and relations in one version and not the other (exact spans)."""
    gold_entities, pred_entities = entity_keys(gold), entity_keys(predicted)
    missed, spurious = gold_entities - pred_entities, pred_entities - gold_entities
    errors = [f"missed {t} «{gold.text[s:e]}»" for t, s, e in sorted(missed, key=lambda k: k[1:])]
    errors += [f"spurious {t} «{gold.text[s:e]}»" for t, s, e in sorted(spurious, key=lambda k: k[1:])]
    gold_relations, pred_relations = relation_keys(gold), relation_keys(predicted)
    errors += [f"missed {_relation_line(k, gold.text)}" for k in sorted(gold_relations - pred_relations)]
    errors += [f"spurious {_relation_line(k, gold.text)}" for k in sorted(pred_relations - gold_relations)]
    return Excerpt(
        doc_id, sentence, gold, predicted, errors,
        flagged_gold={e.id for e in gold.entities if (e.type, e.start, e.end) in missed},
        flagged_predicted={e.id for e in predicted.entities if (e.type, e.start, e.end) in spurious},
    )


def worst_excerpts(gold: Sequence[Document], predicted: Sequence[Document], limit: int = 10) -> list[Excerpt]:
    """The ``limit`` excerpts with the most errors (documents' order breaks ties); none without errors.

    A relation between two excerpts belongs to neither, so it is not listed here (it is scored in the bars).
    """
    excerpts = []
    for gold_doc, pred_doc in zip(gold, _predicted_for(gold, predicted)):
        spans = excerpt_spans(gold_doc.text, gold_doc.entities + pred_doc.entities)
        for index, (start, end) in enumerate(spans):
            excerpt = compare_excerpt(
                gold_doc.id, index,
                _cut(gold_doc, start, end, f"gold:{gold_doc.id}:{index + 1}"),
                _cut(pred_doc, start, end, f"predicted:{gold_doc.id}:{index + 1}"),
            )
            if excerpt.errors:
                excerpts.append(excerpt)
    excerpts.sort(key=lambda x: -len(x.errors))  # stable: ties keep the documents' order
    return excerpts[:limit]


# --- HTML ---------------------------------------------------------------------------------------

_REPORT_STYLE = """
body{max-width:90rem}
.bars text{font-size:12px;fill:#222}.bars .label{font-weight:bold}
table.confusion td,table.confusion th{text-align:right;min-width:3.5em}
table.confusion td.diag{font-weight:bold;outline:2px solid #009e73;outline-offset:-2px}
table.confusion .total{color:#555;background:#f4f4f4}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem;border-top:2px solid #888;margin-top:1rem}
.pair .doc{border:none;font-size:.95em}.pair h2{font-size:1em;color:#555}
ul.errors{font-size:.9em;color:#444;margin:.3rem 0}
.key span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em;vertical-align:middle}
"""
_ROW_HEIGHT, _BAR_HEIGHT, _LABEL_WIDTH, _BAR_WIDTH = 50, 12, 200, 420


def _bar_group(y: int, label: str, prf: PRF, colour: str) -> str:
    parts = [f'<rect x="4" y="{y + 4}" width="10" height="10" fill="{colour}"/>',
             f'<text class="label" x="20" y="{y + 14}">{html.escape(label)}</text>',
             f'<text x="20" y="{y + 30}">gold {prf.support}, predicted {prf.tp + prf.fp}</text>']
    for k, metric in enumerate(METRIC_COLOURS):
        value = getattr(prf, metric)
        bar_y = y + k * (_BAR_HEIGHT + 2)
        parts.append(
            f'<rect class="bar" data-label="{html.escape(label)}" data-metric="{metric}" data-value="{value:.4f}" '
            f'x="{_LABEL_WIDTH}" y="{bar_y}" width="{value * _BAR_WIDTH:.1f}" height="{_BAR_HEIGHT}" '
            f'fill="{METRIC_COLOURS[metric]}"><title>{html.escape(label)} {metric} {value:.4f}</title></rect>'
        )
        parts.append(f'<text x="{_LABEL_WIDTH + value * _BAR_WIDTH + 4:.1f}" y="{bar_y + _BAR_HEIGHT - 2}">'
                     f"{value:.2f}</text>")
    return "".join(parts)


def bars_svg(report: Report, labels: Sequence[str], colours: dict[str, str] | None = None) -> str:
    """Precision, recall and F1 of each label (schema order, even unseen ones) and of the micro average."""
    colours = colours or {}
    rows = [(label, report.per_type.get(label, PRF()), colours.get(label, NEUTRAL_COLOUR)) for label in labels]
    rows.append(("micro avg", report.micro, "#222"))
    height = len(rows) * _ROW_HEIGHT
    width = _LABEL_WIDTH + _BAR_WIDTH + 50
    groups = "".join(_bar_group(i * _ROW_HEIGHT, *row) for i, row in enumerate(rows))
    return (f'<svg class="bars" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">{groups}</svg>')


def confusion_html(matrix: dict[str, dict[str, int]]) -> str:
    """The confusion matrix as a table, cells shaded by their share of the row, totals on the edges."""
    columns = list(next(iter(matrix.values())))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    rows = []
    for row, cells in matrix.items():
        total = sum(cells.values())
        tds = []
        for column in columns:
            if column not in cells:
                tds.append("<td></td>")
                continue
            n = cells[column]
            shade = f"background:rgba(213,94,0,{0.6 * n / total:.2f})" if total else ""
            diag = " diag" if row == column else ""
            tds.append(f'<td class="cell{diag}" data-gold="{html.escape(row)}" data-predicted="{html.escape(column)}" '
                       f'style="{shade}">{n}</td>')
        rows.append(f"<tr><th>{html.escape(row)}</th>{''.join(tds)}<td class=\"total\">{total}</td></tr>")
    totals = "".join(f'<td class="total">{sum(cells.get(c, 0) for cells in matrix.values())}</td>' for c in columns)
    return (f'<table class="confusion"><tr><th>gold ↓ predicted →</th>{head}<th>gold total</th></tr>'
            f'{"".join(rows)}<tr><th>predicted total</th>{totals}<td></td></tr></table>')


def excerpt_html(excerpt: Excerpt) -> str:
    """One excerpt: gold and predicted side by side, then its errors (folded: a list can be long)."""
    errors = "".join(f"<li>{html.escape(line)}</li>" for line in excerpt.errors)
    return (f'<div class="excerpt"><h3>{html.escape(excerpt.doc_id)}, sentence {excerpt.sentence + 1}</h3>'
            f'<div class="pair">{document_html(excerpt.gold, excerpt.flagged_gold)}'
            f"{document_html(excerpt.predicted, excerpt.flagged_predicted)}</div>"
            f'<details><summary>{len(excerpt.errors)} errors</summary><ul class="errors">{errors}</ul></details></div>')


def _metric_key() -> str:
    return '<p class="key">' + "".join(
        f'<span style="background:{colour}"></span>{metric}' for metric, colour in METRIC_COLOURS.items()
    ) + "</p>"


def render_report(gold: Sequence[Document], predicted: Sequence[Document], title: str = "vner evaluation",
                  worst: int = 10) -> str:
    """The whole report page for predictions against gold (matched by document id)."""
    reports = score_documents(gold, predicted)
    entities, relations = reports["entities"], reports["relations"]
    excerpts = worst_excerpts(gold, predicted, worst)
    summary = (f"<p>{len(gold)} documents; entities: gold {entities.micro.support}, predicted "
               f"{entities.micro.tp + entities.micro.fp}, micro F1 {entities.micro.f1:.4f}; relations: gold "
               f"{relations.micro.support}, predicted {relations.micro.tp + relations.micro.fp}, "
               f"micro F1 {relations.micro.f1:.4f} (exact spans).</p>")
    body = (
        summary
        + '<h2 id="entities">Entities: precision, recall, F1 per type</h2>' + _metric_key()
        + bars_svg(entities, [t.value for t in ENTITY_TYPES], COLOUR_BY_NAME)
        + '<h2 id="relations">Relations: precision, recall, F1 per type</h2>' + _metric_key()
        + bars_svg(relations, [t.value for t in RELATION_TYPES])
        + '<h2 id="confusion">Confusion between entity types</h2>'
        "<p>A gold and a predicted mention are paired when their spans are equal or overlap (equal spans first); "
        f"<em>{MISSED}</em>: a gold mention under no prediction; <em>{SPURIOUS}</em>: a prediction over no gold "
        "mention. The diagonal counts boundary errors of the right type as agreements.</p>"
        + confusion_html(entity_confusion(gold, predicted))
        + f'<h2 id="worst">The {len(excerpts)} sentences with the most errors: gold left, predicted right</h2>'
        "<p>Missed and spurious mentions (exact span and type) are outlined in red.</p>"
        + legend_html() + "".join(excerpt_html(x) for x in excerpts)
    )
    return html_page(title, body, _REPORT_STYLE)
