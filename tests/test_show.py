"""`vner show`: text and a self-contained HTML page, rendered by a real headless Chromium."""

import re
import shutil
import subprocess

import pytest

from conftest import SEEDS
from vner.cli import main
from vner.model.document import read_jsonl
from vner.model.render import render_html, render_text

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is needed for the page test: apt-get install chromium (.ci/run installs it)")
    return path


def test_text_marks_every_entity_and_lists_relations(gold_docs):
    doc = gold_docs[0]
    text = render_text(doc)
    assert text.count("]") >= len(doc.entities)
    assert "[Bùi Văn Khắng]PER" in text
    assert "has_position: Bùi Văn Khắng (PER) → Phó Chủ tịch (POS)" in text


def test_html_is_self_contained_and_escapes_text():
    from vner.model.document import Document, Entity

    doc = Document("x<1>", "a <b> & Hà Nội", [Entity("T1", "LOC", 10, 16, "Hà Nội")])
    page = render_html([doc])
    assert "<b>" not in page.replace("<body>", "") and "&lt;b&gt;" in page
    assert not re.search(r"(src|href)=\"https?://", page)  # nothing fetched from the network
    assert "<script" not in page


def test_chromium_renders_one_highlight_per_entity(tmp_path):
    page = tmp_path / "seeds.html"
    assert main(["show", str(SEEDS / "gold.jsonl"), "-o", str(page)]) == 0
    entities = sum(len(d.entities) for d in read_jsonl(SEEDS / "gold.jsonl"))
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([chromium(), *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert dom.count('<mark class="ent"') == entities + 6  # plus the six marks of the legend
    shot = tmp_path / "seeds.png"
    subprocess.run([chromium(), *CHROMIUM_FLAGS, *profile, "--window-size=1200,2000", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_notebook_repr(gold_docs):
    assert gold_docs[0]._repr_html_().startswith("<!DOCTYPE html>")
