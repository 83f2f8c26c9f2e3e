"""Decoding tag probabilities into the best valid IOB2 path."""

import itertools

import numpy as np

from vner.model.decode import best_tag_path
from vner.model.schema import BIO_TAGS

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
