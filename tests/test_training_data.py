"""Training examples from weak labels: words the labeller leaves untyped but that look like names carry no loss."""

from conftest import mention
from vner.model.document import Document
from vner.model.pipeline import prepare_text, word_tags
from vner.training.data import IGNORE, TAG_IDS, document_examples, untagged_name_words

TEXT = ('Ông Lại Hoa làm việc tại Tasco ở tỉnh Quảng Bình. Theo ông, trạm Quán Hàu: "Trạm thu phí đã dừng".')
ENTITIES = [mention(TEXT, "e1", "LOC", "tỉnh Quảng Bình")]  # what the weak labeller typed


def words_of(prepared, indices):
    return [prepared.text[slice(*prepared.words[i])] for i in indices]


def one_word_ids(forms):
    """A stand-in tokenizer: one subword per word."""
    return [[10 + i] for i, _ in enumerate(forms)]


def test_untagged_name_words_are_capitalised_words_inside_a_clause():
    prepared = prepare_text(TEXT, "pyvi")
    tags = word_tags(prepared, ENTITIES)
    found = words_of(prepared, untagged_name_words(prepared, tags))
    # Tagged words, sentence openers ("Ông", "Theo") and a word after a colon or quote ("Trạm") stay O.
    assert found == ["Lại", "Hoa", "Tasco", "Quán", "Hàu"]


def test_weak_examples_leave_untagged_names_without_a_label():
    doc = Document("d1", TEXT, ENTITIES, [])
    settings = {"bos_id": 0, "eos_id": 2, "segmenter": "pyvi", "max_length": 256}
    (strict,), _ = document_examples(doc, one_word_ids, **settings)
    (partial,), _ = document_examples(doc, one_word_ids, names_unknown=True, **settings)

    prepared = prepare_text(TEXT, "pyvi")
    unknown = {i + 1 for i in untagged_name_words(prepared, word_tags(prepared, ENTITIES))}  # after <s>
    assert len(unknown) == 5
    for position, (strict_label, partial_label) in enumerate(zip(strict["labels"], partial["labels"])):
        if position in unknown:
            assert (strict_label, partial_label) == (TAG_IDS["O"], IGNORE)
        else:
            assert partial_label == strict_label
    assert partial["input_ids"] == strict["input_ids"]


def test_the_config_flag_reaches_the_cached_examples(tmp_path):
    from vner.training.config import config_from_dict
    from vner.training.data import ExampleSource, build_dataset

    config = config_from_dict({"model": {"encoder": "x"}, "data": {"silver_names_unknown": True}})
    assert config.data.silver_names_unknown is True
    doc = Document("d1", TEXT, ENTITIES, [])
    settings = {"tokenizer_fingerprint": "t", "bos_id": 0, "eos_id": 2, "segmenter": "pyvi", "max_length": 256,
                "cache_dir": tmp_path}
    strict = build_dataset([ExampleSource([doc], 0.5)], one_word_ids, **settings)
    partial = build_dataset([ExampleSource([doc], 0.5, names_unknown=True)], one_word_ids, **settings)
    # The flag is part of the cache's fingerprint: the second build is not the first one read back.
    assert len(list(tmp_path.glob("examples-*"))) == 2
    assert partial[0]["labels"].count(IGNORE) == strict[0]["labels"].count(IGNORE) + 5
