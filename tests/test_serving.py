"""Export and the CPU tagger: parity, offsets on the caller's text, batching, threads, no torch."""

import json
import subprocess
import sys
import textwrap
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import SEEDS
from vner.model.document import Document, read_jsonl
from vner.serving.tagger import Tagger
from vner.training import export as export_module
from vner.training.export import ExportError, export_model


def test_export_writes_the_serving_directory(exported_tiny):
    names = {p.name for p in exported_tiny.iterdir()}
    assert {"model.onnx", "model.int8.onnx", "relations.onnx", "tokenizer.json", "config.json",
            "manifest.json", "vocab.txt", "bpe.codes"} <= names
    manifest = json.loads((exported_tiny / "manifest.json").read_text())
    parity = manifest["parity"]
    assert parity["fp32_max_abs_diff"] <= export_module.FP32_TOLERANCE
    assert parity["fp32_identical_entities"] and parity["fp32_identical_relations"]
    assert 0.0 <= parity["int8_entity_agreement"] <= 1.0 and parity["documents"] == 5
    assert set(manifest["files"]) == names - {"manifest.json"}



def test_exported_attention_is_fused(trained_tiny, exported_tiny):
    """One Attention operator per layer (QAttention once quantised): the fast onnxruntime kernels."""
    import onnx

    layers = json.loads((trained_tiny[0] / "config.json").read_text())["num_hidden_layers"]
    fp32 = [n.op_type for n in onnx.load(exported_tiny / "model.onnx").graph.node]
    int8 = [n.op_type for n in onnx.load(exported_tiny / "model.int8.onnx").graph.node]
    assert fp32.count("Attention") == int8.count("QAttention") == layers > 0
    assert "Softmax" not in fp32

def test_export_refuses_a_model_that_fails_parity(trained_tiny, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "FP32_TOLERANCE", -1.0)  # nothing can pass
    with pytest.raises(ExportError, match="FP32 logits differ"):
        export_model(trained_tiny[0], tmp_path / "out", parity_data=SEEDS / "gold.jsonl")
    assert not (tmp_path / "out").exists()


def test_onnx_fp32_predicts_what_torch_predicts(trained_tiny, exported_tiny):
    from vner.training.evaluate import TorchPredictor

    texts = [d.text for d in read_jsonl(SEEDS / "gold.jsonl")]
    torch_docs = TorchPredictor.from_directory(trained_tiny[0]).predict(texts)
    onnx_docs = Tagger(exported_tiny, precision="fp32").predict(texts)
    for a, b in zip(torch_docs, onnx_docs):
        assert [(e.type, e.start, e.end) for e in a.entities] == [(e.type, e.start, e.end) for e in b.entities]
        assert [(r.type, r.head, r.tail) for r in a.relations] == [(r.type, r.head, r.tail) for r in b.relations]


def test_offsets_index_the_callers_own_string(exported_tiny):
    tagger = Tagger(exported_tiny)
    base = next(read_jsonl(SEEDS / "gold.jsonl")).text[:1500]
    noisy = unicodedata.normalize("NFD", base).replace(" ", "&nbsp;", 20).replace("\n", "\r\n")
    for text in (base, noisy):
        doc = tagger.predict(text)
        assert doc.text == text
        for ent in doc.entities:
            assert text[ent.start : ent.end] == ent.text
            assert 0.0 < ent.score <= 1.0
        ids = {e.id for e in doc.entities}
        assert all(r.head in ids and r.tail in ids and 0.0 < r.score <= 1.0 for r in doc.relations)


def test_pipe_keeps_order_and_equals_predict(exported_tiny):
    # FP32: INT8 quantises activations per batch, so its outputs depend slightly on what shares the batch.
    tagger = Tagger(exported_tiny, precision="fp32")
    texts = [d.text for d in read_jsonl(SEEDS / "gold.jsonl")] + ["Hà Nội.", "", "   "]
    one_by_one = [tagger.predict(t) for t in texts]
    piped = list(tagger.pipe(texts, batch_size=3, chunk_size=4))
    assert [d.text for d in piped] == texts
    assert [[e.to_dict() for e in d.entities] for d in piped] == [[e.to_dict() for e in d.entities] for d in one_by_one]


def test_int8_results_depend_on_the_text_alone_at_the_default_batch_size(exported_tiny):
    """One window per model call: a text's INT8 result, scores included, is the same alone, among other
    texts and through the batch tagger, whatever shares its chunk."""
    from vner.serving.batch import tag_documents

    tagger = Tagger(exported_tiny, precision="int8")
    texts = [d.text for d in read_jsonl(SEEDS / "gold.jsonl")]
    alone = [tagger.predict(t).to_dict() for t in texts]
    assert [d.to_dict() for d in tagger.predict(texts[::-1])][::-1] == alone
    assert [d.to_dict() for d in tagger.pipe(texts + texts, chunk_size=3)] == alone + alone
    tagged = tag_documents(tagger, [Document(str(i), t) for i, t in enumerate(texts)])
    assert [d.entities for d in tagged] == [tagger.predict(t).entities for t in texts]


@pytest.mark.parametrize("rules", [False, True])
def test_one_tagger_is_safe_across_threads(exported_tiny, rules):
    tagger = Tagger(exported_tiny, threads=1, rules=rules)
    texts = [d.text for d in read_jsonl(SEEDS / "gold.jsonl")] * 4
    expected = [[e.to_dict() for e in tagger.predict(t).entities] for t in texts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: [e.to_dict() for e in tagger.predict(t).entities], texts))
    assert got == expected


def test_serving_needs_neither_torch_nor_transformers(exported_tiny):
    """In a fresh interpreter where importing torch or transformers fails, tagging still works."""
    script = textwrap.dedent(
        f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "transformers"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        import vner
        from vner.serving.tagger import Tagger
        from vner.serving import batch
        doc = vner.predict("Phó Chủ tịch UBND tỉnh Bùi Văn Khắng chủ trì cuộc họp.", model={str(exported_tiny)!r})
        assert doc.text.startswith("Phó")
        ruled = vner.load({str(exported_tiny)!r}, rules=True).predict("Bí thư Tỉnh ủy Quảng Ninh phát biểu.")
        assert ("POS", "Bí thư") in [(e.type, e.text) for e in ruled.entities]
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers"))
        print("LOADED", loaded)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout


def test_rules_run_beside_the_model_and_keep_offsets_on_the_callers_text(exported_tiny):
    from vner.model.rules import label_document

    assert not Tagger(exported_tiny).rules  # the tiny model's config leaves them off
    tagger = Tagger(exported_tiny, rules=True)
    base = next(read_jsonl(SEEDS / "gold.jsonl")).text[:1500]
    rule_spans = {(e.type, e.start, e.end) for e in label_document(base).entities}
    alone = tagger.predict(base)
    assert rule_spans and rule_spans <= {(e.type, e.start, e.end) for e in alone.entities}
    noisy = unicodedata.normalize("NFD", base).replace(" ", "&nbsp;", 20).replace("\n", "\r\n")
    doc = tagger.predict(noisy)
    assert doc.text == noisy and len(doc.entities) == len(alone.entities)
    assert all(noisy[e.start : e.end] == e.text for e in doc.entities)
    ids = {e.id for e in doc.entities}
    assert doc.relations and all(r.head in ids and r.tail in ids for r in doc.relations)
    for text in ("", "   ", "UBND", "ông A, ông B."):
        assert tagger.predict(text).text == text


def test_the_rules_setting_goes_from_training_to_export_to_tagger(trained_tiny, exported_tiny, tmp_path):
    from vner.training.evaluate import TorchPredictor

    out = tmp_path / "ruled"
    manifest = export_model(trained_tiny[0], out, int8=False, parity_data=SEEDS / "gold.jsonl", rules=True)
    assert manifest["parity"]["fp32_identical_entities"] and manifest["parity"]["fp32_identical_relations"]
    assert json.loads((out / "config.json").read_text())["vner"]["rules"] is True
    assert Tagger(out).rules and not Tagger(out, rules=False).rules
    assert json.loads((exported_tiny / "config.json").read_text())["vner"]["rules"] is False
    # torch evaluation runs the same path as serving, rules included
    texts = [d.text for d in read_jsonl(SEEDS / "gold.jsonl")][:2]
    torch_docs = TorchPredictor.from_directory(trained_tiny[0], rules=True).predict(texts)
    onnx_docs = Tagger(out, precision="fp32").predict(texts)
    for a, b in zip(torch_docs, onnx_docs):
        assert [(e.type, e.start, e.end) for e in a.entities] == [(e.type, e.start, e.end) for e in b.entities]
        assert [(r.type, r.head, r.tail) for r in a.relations] == [(r.type, r.head, r.tail) for r in b.relations]


def test_texts_that_are_not_strings_are_a_clear_error(exported_tiny):
    tagger = Tagger(exported_tiny, precision="fp32")
    with pytest.raises(TypeError, match="not NoneType"):
        tagger.predict(None)
    with pytest.raises(TypeError, match=r"not bytes \(decode it first"):
        tagger.predict("Hà Nội".encode())
    with pytest.raises(TypeError, match="text 1 is int"):
        tagger.predict(["Hà Nội.", 5])
    with pytest.raises(TypeError, match="text 70 is NoneType"):  # the position in the whole stream, not the chunk
        list(tagger.pipe(["Hà Nội."] * 70 + [None], chunk_size=64))


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not an exported vner model"):
        Tagger(tmp_path)


def test_int8_agreement_counts_two_empty_predictions_as_agreeing():
    from vner.model.document import Document, Entity

    empty = [Document("d", "Hà Nội")]
    assert export_module._agreement(empty, [Document("d", "Hà Nội")]) == (1.0, 1.0)
    found = [Document("d", "Hà Nội", [Entity("T1", "LOC", 0, 6, "Hà Nội")])]
    assert export_module._agreement(found, empty)[0] == 0.0
