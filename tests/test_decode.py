"""Decoding tag probabilities into the best valid IOB2 path; merging a model's output with the rules'."""

import itertools

import numpy as np

from conftest import mention
from vner.model.decode import add_relations, best_tag_path, entity_edges, merge_rules
from vner.model.document import Document, Relation
from vner.model.schema import BIO_TAGS, NO_RELATION, RELATION_LABELS

B_ORG, I_ORG, B_PER, OUT = (BIO_TAGS.index(t) for t in ("B-ORG", "I-ORG", "B-PER", "O"))


def log_probs(*rows: dict[int, float]) -> np.ndarray:
    """``[words, tags]`` log-probabilities; what a row leaves out shares the rest of its mass."""
    out = np.empty((len(rows), len(BIO_TAGS)))
    for i, row in enumerate(rows):
        rest = (1.0 - sum(row.values())) / (len(BIO_TAGS) - len(row))
        out[i] = [np.log(row.get(tag, rest)) for tag in range(len(BIO_TAGS))]
    return out


def is_valid(path: list[int]) -> bool:
    tags = [BIO_TAGS[t] for t in path]
    return all(not tag.startswith("I-") or (prev != "O" and prev[2:] == tag[2:])
               for prev, tag in zip(["O", *tags], tags))


def test_a_name_is_kept_whole_when_that_is_likelier_than_cutting_it():
    # per-word argmax: B-ORG, O, I-ORG (a stray I- that would start a second span)
    path = best_tag_path(log_probs({B_ORG: 0.9}, {OUT: 0.5, I_ORG: 0.45}, {I_ORG: 0.9}))
    assert path == [B_ORG, I_ORG, I_ORG]


def test_an_inside_tag_never_starts_a_sentence_or_follows_another_type():
    path = best_tag_path(log_probs({I_ORG: 0.6, B_ORG: 0.3}, {B_PER: 0.5}, {I_ORG: 0.7, OUT: 0.2}))
    assert is_valid(path)
    assert path[0] == B_ORG and path[2] != I_ORG


def test_viterbi_finds_the_most_probable_valid_path():
    rng = np.random.default_rng(0)
    for _ in range(30):
        words = int(rng.integers(1, 4))
        logits = rng.normal(size=(words, len(BIO_TAGS))) * 3
        scores = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        path = best_tag_path(scores)
        best = max((p for p in itertools.product(range(len(BIO_TAGS)), repeat=words) if is_valid(list(p))),
                   key=lambda p: sum(scores[i, t] for i, t in enumerate(p)))
        assert path == list(best)


def test_an_empty_sentence_has_an_empty_path():
    assert best_tag_path(np.zeros((0, len(BIO_TAGS)))) == []


RULES_TEXT = "Chủ tịch UBND tỉnh Long An Nguyễn Văn Út thăm Hà Nội ngày 3/2."


def test_the_rules_are_kept_and_the_model_fills_where_they_are_silent():
    text = RULES_TEXT
    rules = Document("d", text, [mention(text, "T1", "POS", "Chủ tịch"),
                                 mention(text, "T2", "ORG", "UBND tỉnh Long An"),
                                 mention(text, "T3", "PER", "Nguyễn Văn Út")],
                     [Relation("has_position", "T3", "T1", 0.9), Relation("affiliated_with", "T3", "T2", 0.9)])
    model = [mention(text, "T1", "ORG", "UBND tỉnh"),  # overlaps a rule entity: dropped
             mention(text, "T2", "LOC", "Hà Nội"), mention(text, "T3", "DATE", "3/2")]
    model[1].score, model[2].score = 0.7, 0.3  # only the first is sure enough
    entities, relations = merge_rules(rules, model, min_score=0.5)
    assert [(e.id, e.type, e.text) for e in entities] == [
        ("T1", "POS", "Chủ tịch"), ("T2", "ORG", "UBND tỉnh Long An"), ("T3", "PER", "Nguyễn Văn Út"),
        ("T4", "LOC", "Hà Nội")]
    assert [(r.type, r.head, r.tail) for r in relations] == [("has_position", "T3", "T1"),
                                                             ("affiliated_with", "T3", "T2")]


def test_rule_ids_are_renumbered_in_text_order_with_their_relations():
    text = RULES_TEXT
    rules = Document("d", text, [mention(text, "T1", "PER", "Nguyễn Văn Út"), mention(text, "T2", "POS", "Chủ tịch")],
                     [Relation("has_position", "T1", "T2")])
    first = mention(text, "T9", "ORG", "UBND tỉnh Long An")
    first.score = 0.8
    entities, relations = merge_rules(rules, [first])
    assert [(e.id, e.text) for e in entities] == [("T1", "Chủ tịch"), ("T2", "UBND tỉnh Long An"),
                                                  ("T3", "Nguyễn Văn Út")]
    assert [(r.head, r.tail) for r in relations] == [("T3", "T1")]


def test_model_relations_only_join_pairs_the_rules_leave_unrelated():
    rules = [Relation("has_position", "T3", "T1", 0.9)]
    candidates = [Relation("affiliated_with", "T1", "T3", 0.99),  # the pair is taken (either order)
                  Relation("affiliated_with", "T3", "T2", 0.8), Relation("located_in", "T2", "T4", 0.4)]
    assert [(r.type, r.head, r.tail) for r in add_relations(rules, candidates, min_score=0.5)] == [
        ("has_position", "T3", "T1"), ("affiliated_with", "T3", "T2")]


def test_entity_edges_are_where_words_must_end():
    text = RULES_TEXT
    assert entity_edges([mention(text, "T1", "POS", "Chủ tịch"), mention(text, "T2", "ORG", "UBND tỉnh")]) == [
        0, 8, 9, 18]


def test_a_predicted_mention_names_something_unless_its_type_may_be_lower_case():
    from vner.model.decode import names_something
    from vner.model.document import Entity

    def ent(entity_type: str, text: str) -> Entity:
        return Entity("T1", entity_type, 0, len(text), text)

    assert names_something(ent("LOC", "tỉnh Quảng Ninh")) and names_something(ent("DATE", "năm 2030"))
    assert names_something(ent("POS", "bác sĩ"))  # a title may be lower-case words
    assert not names_something(ent("LOC", "huyện")) and not names_something(ent("DATE", "năm"))


def test_the_decoder_drops_bare_unit_words_the_tagger_marks(tiny_phobert_dir):
    """A tagger that marks a bare unit word B-LOC, as it does after learning ``tỉnh X``: it is dropped."""
    from vner.model.decode import predict_texts, word_subword_ids
    from vner.model.subwords import PAD, SPECIAL_IDS, load_tokenizer

    tokenizer = load_tokenizer(tiny_phobert_dir)
    marked = {i for form in ("Quảng_Ninh", "huyện") for ids in word_subword_ids(tokenizer, [form]) for i in ids}
    begin_loc, outside = BIO_TAGS.index("B-LOC"), BIO_TAGS.index("O")

    def encode(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logits = np.zeros((*ids.shape, len(BIO_TAGS)))
        logits[..., begin_loc] = np.where(np.isin(ids, list(marked)), 10.0, 0.0)
        logits[..., outside] = np.where(np.isin(ids, list(marked)), 0.0, 10.0)
        return logits, np.zeros((*ids.shape, 4))

    def no_relation(heads: np.ndarray, *rest: np.ndarray) -> np.ndarray:
        scores = np.zeros((len(heads), len(RELATION_LABELS)))
        scores[:, RELATION_LABELS.index(NO_RELATION)] = 10.0
        return scores

    (doc,) = predict_texts(["Lãnh đạo huyện về Quảng Ninh ."], tokenizer, segmenter="pyvi", max_length=64,
                           encode=encode, score_pairs=no_relation, pad_id=SPECIAL_IDS[PAD])
    # renumbered, so that relations name the entities that remain
    assert [(e.id, e.type, e.text) for e in doc.entities] == [("T1", "LOC", "Quảng Ninh")]
