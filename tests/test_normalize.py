"""Normalisation keeps an exact map back to the caller's string."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from vner.model.normalize import normalize

SYLLABLES = ["Hà", "Nội", "Quảng", "Ninh", "Khắng", "tỉnh", "Phó", "Chủ", "tịch", "ủy", "Đồng", "số", "195/KH-UBND"]
SEPARATORS = [" ", "  ", "\t", "\u00a0", "\r\n", "\n", "&nbsp;", " &amp; ", "\u200b", " 😀 ", ", ", "&#7843;"]


def test_plain_nfc_text_is_the_identity():
    norm = normalize("Hải Phòng")
    assert norm.text == "Hải Phòng"
    assert norm.to_original(0, 3) == (0, 3)


def test_each_kind_of_noise():
    original = "Ha\u0300\u00a0N\u00f4\u0323i&amp;\r\nx\u200by&nbsp;z"
    norm = normalize(original)
    assert norm.text == "Hà Nội&\nxy z"
    assert unicodedata.is_normalized("NFC", norm.text)
    start, end = norm.to_original(0, 6)
    assert original[start:end] == "Ha\u0300\u00a0N\u00f4\u0323i"
    assert norm.from_original(start, end) == (0, 6)


def test_unknown_entity_names_stay_as_text():
    norm = normalize("a &foo; b")
    assert norm.text == "a &foo; b"
    assert norm.to_original(3, 6) == (3, 6)


@st.composite
def noisy_text(draw):
    """A text of syllables (some NFD) and noisy separators, with each syllable's original span."""
    parts, spans, pos = [], [], 0
    for _ in range(draw(st.integers(1, 12))):
        word = draw(st.sampled_from(SYLLABLES))
        if draw(st.booleans()):
            word = unicodedata.normalize("NFD", word)
        spans.append((pos, pos + len(word)))
        parts.append(word)
        pos += len(word)
        sep = draw(st.sampled_from(SEPARATORS))
        parts.append(sep)
        pos += len(sep)
    return "".join(parts), spans


@settings(max_examples=200, deadline=None)
@given(noisy_text())
def test_span_round_trip_is_exact(sample):
    original, spans = sample
    norm = normalize(original)
    assert unicodedata.is_normalized("NFC", norm.text)
    for start, end in spans:
        n_start, n_end = norm.from_original(start, end)
        assert norm.text[n_start:n_end] == unicodedata.normalize("NFC", original[start:end])
        assert norm.to_original(n_start, n_end) == (start, end)
