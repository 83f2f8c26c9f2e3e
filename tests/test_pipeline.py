"""The pipeline end to end: gold spans → word tags → spans on the original text, and windows."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import mention
from vner.model.document import Entity
from vner.model.pipeline import entities_from_word_tags, make_windows, prepare_text, word_tags

SYLLABLES = ["Hà", "Nội", "Quảng", "Ninh", "Bùi", "Văn", "Khắng", "tỉnh", "họp", "ngày", "19/8/2019", "UBND"]
SEPARATORS = [" ", "\t", "\u00a0", "&nbsp;", " &amp; ", " 😀 ", ", ", ". ", "\r\n", "\u200b"]


def spans_of(entities):
    return sorted((e.type, e.start, e.end) for e in entities)


def round_trip(text, entities):
    cuts = [o for e in entities for o in (e.start, e.end)]
    prepared = prepare_text(text, cuts=cuts)
    return prepared, entities_from_word_tags(prepared, word_tags(prepared, entities))


def test_gold_seeds_round_trip_exactly(gold_docs):
    splits = 0
    for doc in gold_docs:
        prepared, decoded = round_trip(doc.text, doc.entities)
        splits += prepared.split_words
        assert spans_of(decoded) == spans_of(doc.entities)
        assert all(doc.text[e.start : e.end] == e.text for e in decoded)
    # Segmentation clashes with gold edges are split, and counted (4 with pyvi on the seeds).
    assert splits == 4


def test_without_splitting_clashing_entities_are_lost(gold_docs):
    lost = 0
    for doc in gold_docs:
        prepared = prepare_text(doc.text)
        decoded = entities_from_word_tags(prepared, word_tags(prepared, doc.entities))
        lost += len(set(spans_of(doc.entities)) - set(spans_of(decoded)))
    assert lost == 8


@st.composite
def noisy_document(draw):
    parts, entities, pos = [], [], 0
    for index in range(draw(st.integers(1, 15))):
        word = draw(st.sampled_from(SYLLABLES))
        if draw(st.booleans()):
            word = unicodedata.normalize("NFD", word)
        if draw(st.booleans()):
            entities.append(Entity(f"T{index}", draw(st.sampled_from(["PER", "LOC"])), pos, pos + len(word), word))
        parts.append(word)
        pos += len(word)
        sep = draw(st.sampled_from(SEPARATORS))
        parts.append(sep)
        pos += len(sep)
    return "".join(parts), entities


@settings(max_examples=150, deadline=None)
@given(noisy_document())
def test_span_round_trip_on_noisy_text_is_exact(sample):
    text, entities = sample
    _, decoded = round_trip(text, entities)
    assert spans_of(decoded) == spans_of(entities)
    assert [text[e.start : e.end] for e in sorted(decoded, key=lambda e: e.start)] == [e.text for e in entities]


def test_stray_inside_tag_starts_a_span_and_spans_stop_at_sentence_edges():
    prepared = prepare_text("Ông Khắng họp. Hà Nội mưa.")
    forms = prepared.word_forms()
    assert forms == ["Ông", "Khắng", "họp", ".", "Hà_Nội", "mưa", "."]
    tags = ["O", "I-PER", "O", "B-LOC", "I-LOC", "O", "O"]  # a stray I-; a span across the sentence edge
    decoded = entities_from_word_tags(prepared, tags)
    assert [(e.type, e.text) for e in decoded] == [("PER", "Khắng"), ("LOC", "."), ("LOC", "Hà Nội")]



def test_model_fragments_of_one_mention_are_joined_but_lists_are_not():
    prepared = prepare_text("Ông Tập Cận Bình thăm Hà Nội, Hải Phòng ngày 11/5.")
    forms = prepared.word_forms()
    assert forms == ["Ông", "Tập_Cận", "Bình", "thăm", "Hà_Nội", ",", "Hải_Phòng", "ngày", "11", "/", "5", "."]
    tags = {"Tập_Cận": "B-PER", "Bình": "B-PER", "Hà_Nội": "B-LOC", "Hải_Phòng": "B-LOC",
            "11": "B-DATE", "5": "B-DATE"}
    word_tags = [tags.get(form, "O") for form in forms]
    scores = [0.9 if tag != "O" else 1.0 for tag in word_tags]
    split = entities_from_word_tags(prepared, word_tags, scores)
    joined = entities_from_word_tags(prepared, word_tags, scores, join_fragments=True)
    assert [e.text for e in split] == ["Tập Cận", "Bình", "Hà Nội", "Hải Phòng", "11", "5"]
    # a space or a slash between two same-type spans joins them; a comma keeps a list apart
    assert [(e.type, e.text) for e in joined] == [("PER", "Tập Cận Bình"), ("LOC", "Hà Nội"), ("LOC", "Hải Phòng"),
                                                  ("DATE", "11/5")]
    assert [e.score for e in joined] == pytest.approx([0.9] * 4)  # the slash (an O word) does not count


def test_a_body_keeps_its_place_but_a_company_has_a_locator():
    text = "Sở Công Thương Long An làm việc với Công ty CP TM Mộc Hóa tỉnh Long An, UBND tỉnh, Long An."
    prepared = prepare_text(text)
    entities = [mention(text, "T1", "ORG", "Sở Công Thương"), mention(text, "T2", "LOC", "Long An"),
                mention(text, "T3", "ORG", "Công ty CP TM Mộc Hóa"), mention(text, "T4", "LOC", "tỉnh Long An"),
                mention(text, "T5", "ORG", "UBND tỉnh"), mention(text, "T6", "LOC", "Long An", nth=2)]
    tags = word_tags(prepared, entities)
    joined = entities_from_word_tags(prepared, tags, join_fragments=True)
    # one space between a body and a place: one ORG; a company's place, or a comma between: apart
    assert [(e.type, e.text) for e in joined] == [
        ("ORG", "Sở Công Thương Long An"), ("ORG", "Công ty CP TM Mộc Hóa"), ("LOC", "tỉnh Long An"),
        ("ORG", "UBND tỉnh"), ("LOC", "Long An")]
    assert [(e.type, e.text) for e in entities_from_word_tags(prepared, tags)] == [
        (e.type, e.text) for e in entities]

def fake_subwords(lengths):
    return [[5] * n for n in lengths]


def test_sentences_are_packed_whole():
    word_sentence = [0] * 10 + [1] * 10 + [2] * 10
    windows = make_windows(fake_subwords([3] * 30), word_sentence, bos_id=0, eos_id=2, max_length=70)
    assert [(w.word_start, w.word_end) for w in windows] == [(0, 20), (20, 30)]
    assert all(len(w.input_ids) <= 70 and w.input_ids[0] == 0 and w.input_ids[-1] == 2 for w in windows)


def test_long_sentence_is_split_with_overlap_and_single_ownership():
    lengths = [1, 2, 3] * 40  # one sentence of 240 subwords
    windows = make_windows(fake_subwords(lengths), [0] * 120, bos_id=0, eos_id=2, max_length=50, overlap=10)
    assert len(windows) > 1
    assert all(len(w.input_ids) <= 50 for w in windows)
    assert all(a.word_end > b.word_start for a, b in zip(windows, windows[1:]))  # they overlap
    owned = [word for w in windows for word in range(w.own_start, w.own_end)]
    assert owned == list(range(120))  # every word owned once: no lost, no duplicated span
    assert all(w.word_start <= w.own_start and w.own_end <= w.word_end for w in windows)


def test_a_word_longer_than_a_window_is_truncated():
    windows = make_windows(fake_subwords([2, 500, 2]), [0, 0, 0], bos_id=0, eos_id=2, max_length=20)
    assert all(len(w.input_ids) <= 20 for w in windows)
    assert [word for w in windows for word in range(w.own_start, w.own_end)] == [0, 1, 2]


def test_word_ids_point_at_text_words():
    windows = make_windows(fake_subwords([1, 2, 1]), [0, 0, 1], bos_id=0, eos_id=2)
    assert windows[0].word_ids == [None, 0, 1, 1, 2, None]
    assert windows[0].first_subwords() == {0: 1, 1: 2, 2: 4}
