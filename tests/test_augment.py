"""Silver augmentation: mentions that lose their cue word keep exact offsets into the cut text."""

import pytest

from conftest import mention
from vner.model.document import Document, Relation
from vner.training.augment import drop_cues, mention_cue
from vner.training.config import ConfigError, config_from_dict

TEXT = "Công ty TNHH Hoa Sen ở tỉnh Quảng Bình ký với quận 3 và Tập đoàn Hilton."
ENTITIES = [
    mention(TEXT, "e1", "ORG", "Công ty TNHH Hoa Sen"),
    mention(TEXT, "e2", "LOC", "tỉnh Quảng Bình"),
    mention(TEXT, "e3", "LOC", "quận 3"),
    mention(TEXT, "e4", "ORG", "Tập đoàn Hilton"),
]
DOC = Document("d1", TEXT, ENTITIES, [Relation("located_in", "e1", "e2")])


def test_a_cue_is_the_head_word_whose_removal_leaves_a_capitalised_name():
    assert [mention_cue(e) for e in ENTITIES] == ["Công ty TNHH ", "tỉnh ", None, "Tập đoàn "]


def test_every_cue_dropped_at_rate_one_with_offsets_into_the_new_text():
    cut = drop_cues(DOC, 1.0, seed=0)
    assert cut.text == "Hoa Sen ở Quảng Bình ký với quận 3 và Hilton."
    assert [e.text for e in cut.entities] == ["Hoa Sen", "Quảng Bình", "quận 3", "Hilton"]
    for entity in cut.entities:
        assert cut.text[entity.start:entity.end] == entity.text
    assert [(e.id, e.type) for e in cut.entities] == [(e.id, e.type) for e in ENTITIES]
    assert cut.relations == DOC.relations


def test_rate_zero_leaves_the_document_as_it_is_and_a_rate_is_seeded_per_document():
    assert drop_cues(DOC, 0.0, seed=0) is DOC
    some = [drop_cues(DOC, 0.5, seed=s).text for s in range(20)]
    assert some == [drop_cues(DOC, 0.5, seed=s).text for s in range(20)]
    assert len(set(some)) > 1  # the seed decides which mentions lose their cue


def test_the_config_takes_a_share_between_zero_and_one():
    assert config_from_dict({"model": {"encoder": "x"}, "data": {"silver_drop_cues": 0.5}}).data.silver_drop_cues == 0.5
    with pytest.raises(ConfigError, match="silver_drop_cues"):
        config_from_dict({"model": {"encoder": "x"}, "data": {"silver_drop_cues": 1.5}})
