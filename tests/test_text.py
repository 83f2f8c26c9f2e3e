from vner.model.text import sentence_index, split_sentences


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_lines_and_final_punctuation_end_sentences():
    text = "Tiêu đề bài\n\nNgày 14/8, Thành ủy họp. Bí thư phát biểu! Xong?  Hết\n"
    assert sentences(text) == ["Tiêu đề bài", "Ngày 14/8, Thành ủy họp.", "Bí thư phát biểu!", "Xong?", "Hết"]


def test_abbreviations_and_numbers_do_not_end_sentences():
    text = "Ông A đến TP. Hải Phòng lúc 9.30 và gặp PGS. Lan. Sau đó về."
    assert sentences(text) == ["Ông A đến TP. Hải Phòng lúc 9.30 và gặp PGS. Lan.", "Sau đó về."]


def test_bracketed_abbreviations_and_initials_do_not_end_sentences():
    text = "Tại quảng trường (TP. Hội An, Quảng Nam), ông Michael W. Michalak phát biểu. Sau đó về."
    assert sentences(text) == ["Tại quảng trường (TP. Hội An, Quảng Nam), ông Michael W. Michalak phát biểu.",
                               "Sau đó về."]
    assert sentences("Ông gặp “Q. Bình Thạnh” và V. Putin. Hai bên ký.") == [
        "Ông gặp “Q. Bình Thạnh” và V. Putin.", "Hai bên ký."]


def test_lowercase_after_period_continues_the_sentence():
    assert sentences("Kết luận số 01-KL/TU/LT. về hợp tác") == ["Kết luận số 01-KL/TU/LT. về hợp tác"]


def test_sentence_index():
    text = "Một. Hai."
    spans = split_sentences(text)
    assert sentence_index(spans, 0) == 0
    assert sentence_index(spans, text.index("Hai")) == 1
    assert sentence_index(spans, 4) == -1
