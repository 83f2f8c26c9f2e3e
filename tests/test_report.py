"""`vner evaluate --html`: the evaluation report, checked on its structure and rendered by headless Chromium."""

import re
import subprocess
from collections import Counter

from test_show import CHROMIUM_FLAGS, chromium

from conftest import SEEDS, mention
from vner.cli import main
from vner.model.document import Document, Relation, read_jsonl
from vner.model.schema import ENTITY_TYPES, RELATION_TYPES
from vner.training.report import MISSED, SPURIOUS, entity_confusion, render_report, worst_excerpts
from vner.training.weak import evaluate_labeller

GOLD = SEEDS / "gold.jsonl"
TYPES = [t.value for t in ENTITY_TYPES]
# Three bars (P, R, F1) per entity type, per relation type, and for each micro average.
BARS = 3 * (len(ENTITY_TYPES) + 1 + len(RELATION_TYPES) + 1)
CELL = re.compile(r'<td class="cell[^"]*" data-gold="([^"]+)" data-predicted="([^"]+)"[^>]*>(\d+)</td>')


def cells(page: str) -> dict[tuple[str, str], int]:
    return {(gold, pred): int(n) for gold, pred, n in CELL.findall(page)}


def test_confusion_pairs_same_and_overlapping_spans():
    text = "Ông Lê Văn Thành gặp UBND tỉnh Nam Định tại Hà Nội ngày 3/2. Sở Y tế dự."
    gold = Document("d", text, [
        mention(text, "T1", "PER", "Lê Văn Thành"),
        mention(text, "T2", "ORG", "UBND tỉnh Nam Định"),
        mention(text, "T3", "LOC", "Hà Nội"),
        mention(text, "T4", "DATE", "ngày 3/2"),
    ])
    predicted = Document("d", text, [
        mention(text, "T1", "PER", "Lê Văn Thành"),  # right
        mention(text, "T2", "LOC", "UBND tỉnh Nam Định"),  # same span, wrong type
        mention(text, "T3", "LOC", "tại Hà Nội"),  # overlapping, right type
        mention(text, "T4", "ORG", "Sở Y tế"),  # nothing under it
    ])  # ngày 3/2 missed
    matrix = entity_confusion([gold], [predicted])
    nonzero = {(row, column): n for row, columns in matrix.items() for column, n in columns.items() if n}
    assert nonzero == {("PER", "PER"): 1, ("ORG", "LOC"): 1, ("LOC", "LOC"): 1, ("DATE", MISSED): 1,
                       (SPURIOUS, "ORG"): 1}
    assert list(matrix) == [*TYPES, SPURIOUS] and MISSED not in matrix[SPURIOUS]


def test_worst_excerpts_are_sentences_ranked_by_errors_with_the_wrong_mentions_flagged():
    text = "Ông Lê Văn Thành phát biểu. Bộ Tài chính và Bộ Y tế ký ngày 3/2."
    gold = Document("d", text, [
        mention(text, "T1", "PER", "Lê Văn Thành"),
        mention(text, "T2", "ORG", "Bộ Tài chính"),
        mention(text, "T3", "ORG", "Bộ Y tế"),
        mention(text, "T4", "DATE", "ngày 3/2"),
    ], [Relation("cooperates_with", "T2", "T3")])
    predicted = Document("d", text, [
        mention(text, "P1", "PER", "Lê Văn Thành"),
        mention(text, "P2", "ORG", "Bộ Tài chính"),
        mention(text, "P3", "LOC", "Bộ Y tế"),
    ])
    first, = worst_excerpts([gold], [predicted])  # the first sentence has no error: not listed
    assert first.sentence == 1 and first.gold.text == "Bộ Tài chính và Bộ Y tế ký ngày 3/2."
    assert first.errors == ["missed ORG «Bộ Y tế»", "missed DATE «ngày 3/2»", "spurious LOC «Bộ Y tế»",
                            "missed cooperates_with: «Bộ Tài chính» (ORG) → «Bộ Y tế» (ORG)"]
    assert first.flagged_gold == {"T3", "T4"} and first.flagged_predicted == {"P3"}
    page = render_report([gold], [predicted])
    assert page.count('class="ent flagged"') == 3


def test_a_mention_across_a_sentence_end_keeps_its_sentences_together():
    text = "Họp tại TP. Hải Phòng. Xong. Về Hà Nội."
    gold = Document("d", text, [mention(text, "T1", "LOC", "Hải Phòng. Xong")])
    predicted = Document("d", text, [mention(text, "P1", "LOC", "Hà Nội")])
    excerpts = worst_excerpts([gold], [predicted])
    assert [x.gold.text for x in excerpts] == ["Họp tại TP. Hải Phòng. Xong.", "Về Hà Nội."]


def report_of_weak_labeller(tmp_path):
    page_path = tmp_path / "weak.html"
    assert main(["evaluate", "--labeller", "weak", "--data", str(GOLD), "--html", str(page_path)]) == 0
    return page_path


def test_weak_labeller_report_structure(tmp_path):
    page = report_of_weak_labeller(tmp_path).read_text(encoding="utf-8")
    gold = list(read_jsonl(GOLD))
    result = evaluate_labeller(GOLD)
    predicted = result["predicted"]
    assert "<script" not in page and not re.search(r"(src|href)=\"https?://", page)  # nothing fetched

    bars = re.findall(r'<rect class="bar" data-label="([^"]+)" data-metric="(\w+)" data-value="([\d.]+)"', page)
    assert len(bars) == BARS
    assert {label for label, _, _ in bars} == {*TYPES, *(t.value for t in RELATION_TYPES), "micro avg"}
    entity_micro_f1 = [float(v) for label, metric, v in bars if label == "micro avg" and metric == "f1"][0]
    assert entity_micro_f1 == round(result["entities"].micro.f1, 4)

    table = cells(page)
    gold_counts = Counter(e.type for d in gold for e in d.entities)
    predicted_counts = Counter(e.type for d in predicted for e in d.entities)
    for t in TYPES:  # every gold mention in its row once, every prediction in its column once
        assert sum(n for (row, _), n in table.items() if row == t) == gold_counts[t]
        assert sum(n for (_, column), n in table.items() if column == t) == predicted_counts[t]
    assert sum(table[(t, t)] for t in TYPES) >= 0.97 * sum(gold_counts.values())  # the labeller is near-perfect

    excerpts = re.findall(r'<div class="excerpt">.*?</details></div>', page, flags=re.S)
    assert 1 <= len(excerpts) <= 10
    for excerpt in excerpts:  # gold left, predicted right
        assert re.findall(r'<section class="doc"><h2>(\w+):', excerpt) == ["gold", "predicted"]


def test_model_report_through_the_cli(trained_tiny, tmp_path):
    page_path = tmp_path / "model.html"
    assert main(["evaluate", "--model", str(trained_tiny[0]), "--data", str(GOLD), "--html", str(page_path)]) == 0
    page = page_path.read_text(encoding="utf-8")
    table = cells(page)
    gold_total = sum(len(d.entities) for d in read_jsonl(GOLD))
    assert sum(n for (row, _), n in table.items() if row != SPURIOUS) == gold_total
    assert page.count('<div class="excerpt">') == 10  # the tiny model errs in more than ten sentences
    assert page.count("<rect class=\"bar\"") == BARS


def test_chromium_renders_the_report(tmp_path):
    page = report_of_weak_labeller(tmp_path)
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([chromium(), *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert dom.count('<rect class="bar"') == BARS
    assert len(CELL.findall(dom)) == len(TYPES) * (len(TYPES) + 1) + len(TYPES)  # the spurious row has no "missed"
    excerpts = dom.count('<div class="excerpt">')
    assert excerpts >= 1 and dom.count('<div class="pair">') == excerpts
    shot = tmp_path / "report.png"
    subprocess.run([chromium(), *CHROMIUM_FLAGS, *profile, "--window-size=1300,2400", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
