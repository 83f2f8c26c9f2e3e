"""ONNX export of a trained model, with its own parity check on the seeds.

Writes a serving directory: ``model.onnx`` (the encoder and tagger, one pass,
FP32, graph-optimised), ``model.int8.onnx`` (dynamic INT8 quantisation),
``relations.onnx`` (the small relation head), tokenizer files, ``config.json``
(schema and pipeline settings) and ``manifest.json`` (hashes, versions, parity
figures). A model whose FP32 graph disagrees with torch is not written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from vner.model.decode import uses_rules
from vner.model.document import Document, read_jsonl
from vner.model.network import CONFIG_FILE, read_model_info
from vner.model.schema import schema_dict
from vner.training.metrics import score_documents

log = logging.getLogger(__name__)

ENCODER_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
RELATIONS_FILE = "relations.onnx"
MANIFEST_FILE = "manifest.json"
OPSET = 17
#: Largest |torch − onnxruntime| logit difference accepted for the FP32 graph.
FP32_TOLERANCE = 1e-3


class ExportError(RuntimeError):
    """The exported model failed its parity check and was not written."""


@dataclass
class ParityReport:
    fp32_max_abs_diff: float
    fp32_relation_max_abs_diff: float
    fp32_identical_entities: bool
    fp32_identical_relations: bool
    int8_entity_agreement: float | None
    int8_relation_agreement: float | None
    documents: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _export_graphs(model, directory: Path) -> None:
    """Trace the encoder+tagger and the relation head to ONNX with the TorchScript exporter.

    The torch.export-based exporter needs onnxscript; the TorchScript one handles
    RoBERTa fine, and its deprecation and tracing warnings are expected here.
    """

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _trace(model, directory)


def _trace(model, directory: Path) -> None:
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, joint):
            super().__init__()
            self.joint = joint

        def forward(self, input_ids, attention_mask):
            return self.joint.encode(input_ids, attention_mask)

    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 9, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    axes = {0: "batch", 1: "length"}
    # eval() on the wrapper too: the exporter restores the wrapper's mode, recursively, when it is done.
    torch.onnx.export(
        Encoder(model).eval(), (ids, mask), str(directory / ENCODER_FILE),
        input_names=["input_ids", "attention_mask"], output_names=["tag_logits", "hidden"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "tag_logits": axes, "hidden": axes},
        opset_version=OPSET, dynamo=False,
    )
    hidden = model.encoder.config.hidden_size
    pairs = {0: "pairs"}
    torch.onnx.export(
        model.relation_head,
        (torch.zeros(3, hidden), torch.zeros(3, hidden), torch.zeros(3, dtype=torch.long),
         torch.zeros(3, dtype=torch.long)),
        str(directory / RELATIONS_FILE),
        input_names=["head_vectors", "tail_vectors", "head_types", "tail_types"], output_names=["logits"],
        dynamic_axes={"head_vectors": pairs, "tail_vectors": pairs, "head_types": pairs, "tail_types": pairs,
                      "logits": pairs},
        opset_version=OPSET, dynamo=False,
    )


def _optimise(path: Path, num_heads: int, hidden_size: int) -> None:
    """Fuse attention and layer norms (onnxruntime's transformer optimiser), in place."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimised = optimize_model(str(path), model_type="bert", num_heads=num_heads, hidden_size=hidden_size,
                               opt_level=1)
    log.info("graph optimisation: %s", optimised.get_fused_operator_statistics())
    optimised.save_model_to_file(str(path))


def _quantise(source: Path, target: Path, per_channel: bool) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Fused operators (from _optimise) defeat ONNX shape inference; their outputs are float.
    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=per_channel,
                     extra_options={"DefaultTensorType": TensorProto.FLOAT})


def _agreement(reference: Sequence[Document], other: Sequence[Document]) -> tuple[float, float]:
    """F1 of ``other`` against ``reference`` for entities and for relations; 1.0 where both found nothing."""
    reports = score_documents(reference, other)
    scores = []
    for report in (reports["entities"], reports["relations"]):
        micro = report.micro
        scores.append(1.0 if micro.tp + micro.fp + micro.fn == 0 else micro.f1)
    return scores[0], scores[1]


def check_parity(model, tokenizer, directory: Path, info: dict, docs: Sequence[Document],
                 with_int8: bool) -> ParityReport:
    """Compare torch and the ONNX graphs on ``docs``: raw logits, decoded entities and relations
    (of the model alone: rules, when the config asks for them, are the same code on both sides)."""
    from vner.serving.tagger import Tagger
    from vner.training.evaluate import TorchPredictor

    torch_predictor = TorchPredictor(model, tokenizer, info["segmenter"], info["max_length"])
    onnx_fp32 = Tagger(directory, precision="fp32", rules=False)
    texts = [d.text for d in docs]

    # Raw logits on the same windows.
    max_diff = relation_diff = 0.0
    for encoded in onnx_fp32.encode_texts(texts):
        if not encoded.windows:
            continue
        ids, mask = onnx_fp32.batch(encoded.windows)
        torch_tags, torch_hidden = torch_predictor._encode(ids, mask)
        onnx_tags, onnx_hidden = onnx_fp32.encode(ids, mask)
        max_diff = max(max_diff, float(np.abs(torch_tags - onnx_tags).max()))
        vectors = torch_hidden[:, 1]
        types = np.arange(len(vectors)) % 6
        torch_rel = torch_predictor._score_pairs(vectors, vectors[::-1].copy(), types, types[::-1].copy())
        onnx_rel = onnx_fp32.score_pairs(vectors, vectors[::-1].copy(), types, types[::-1].copy())
        relation_diff = max(relation_diff, float(np.abs(torch_rel - onnx_rel).max()))

    reference = _with_ids(docs, torch_predictor.predict(texts))
    fp32 = _with_ids(docs, onnx_fp32.predict(texts))
    same_entities = [[e.to_dict() | {"score": None} for e in d.entities] for d in reference] == [
        [e.to_dict() | {"score": None} for e in d.entities] for d in fp32
    ]
    same_relations = [[(r.type, r.head, r.tail) for r in d.relations] for d in reference] == [
        [(r.type, r.head, r.tail) for r in d.relations] for d in fp32
    ]
    int8_entities = int8_relations = None
    if with_int8:
        int8 = _with_ids(docs, Tagger(directory, precision="int8", rules=False).predict(texts))
        int8_entities, int8_relations = _agreement(reference, int8)
    return ParityReport(max_diff, relation_diff, same_entities, same_relations, int8_entities, int8_relations,
                        len(docs))


def _with_ids(docs: Sequence[Document], predicted: list[Document]) -> list[Document]:
    for doc, pred in zip(docs, predicted):
        pred.id = doc.id
    return predicted


def _versions() -> dict[str, str]:
    versions = {}
    for package in ("vner", "torch", "transformers", "onnx", "onnxruntime", "tokenizers", "pyvi", "underthesea"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions


def export_model(
    model_dir: str | Path,
    output_dir: str | Path,
    *,
    int8: bool = True,
    parity_data: str | Path | None = None,
    min_int8_agreement: float = 0.95,
    keep_fp32: bool = True,
    per_channel: bool = True,
    rules: bool | None = None,
) -> dict:
    """Export ``model_dir`` to a serving directory ``output_dir``; return the manifest.

    The parity check runs on ``parity_data`` (default: the seeds' gold file when it
    is there). Raises :class:`ExportError`, writing nothing, when the FP32 graph's
    logits differ from torch's by more than ``FP32_TOLERANCE`` or decode to other
    entities or relations, or when INT8 agrees with FP32 on fewer than
    ``min_int8_agreement`` of the entities. ``keep_fp32=False`` leaves the FP32
    graph out of the output once parity is checked (a smaller directory to ship).
    ``per_channel`` INT8 weight scales agree better with FP32 than one scale
    per tensor and run a little slower (``benchmarks/tag_throughput.py``
    measures both). ``rules`` is written to the serving config (``None``: the trained model's
    setting): whether the rule-based labeller runs beside the model (the parity check runs
    without it, on the model alone).
    """
    from vner.model.network import JointModel
    from vner.model.subwords import load_tokenizer
    from vner.training.train import TOKENIZER_FILES

    model_dir, output_dir = Path(model_dir), Path(output_dir)
    info = read_model_info(model_dir)
    if not info:
        raise ExportError(f"{model_dir} is not a trained vner model directory")
    model = JointModel.load(model_dir).eval()
    # Eager attention traces to the pattern onnxruntime's optimiser fuses into one Attention
    # operator (QAttention once quantised); SDPA's masking does not fuse and runs ~2x slower.
    model.encoder.set_attn_implementation("eager")
    tokenizer = load_tokenizer(model_dir)
    config = model.encoder.config
    docs = list(read_jsonl(parity_data)) if parity_data else []

    with tempfile.TemporaryDirectory(prefix="vner-export-") as tmp:
        staging = Path(tmp)
        _export_graphs(model, staging)
        _optimise(staging / ENCODER_FILE, config.num_attention_heads, config.hidden_size)
        if int8:
            _quantise(staging / ENCODER_FILE, staging / INT8_FILE, per_channel)
        for name in (*TOKENIZER_FILES, "tokenizer.json"):
            if (model_dir / name).exists():
                shutil.copy2(model_dir / name, staging / name)
        serving_config = {
            "schema": schema_dict(),
            "segmenter": info["segmenter"],
            "max_length": info["max_length"],
            "rules": uses_rules(info, rules),
            "encoder": info.get("encoder"),
            "hidden_size": config.hidden_size,
            "training": info.get("training"),
        }
        (staging / CONFIG_FILE).write_text(json.dumps({"vner": serving_config}, indent=2, ensure_ascii=False),
                                           encoding="utf-8")

        parity = check_parity(model, tokenizer, staging, info, docs, int8)
        log.info("parity: %s", parity.to_dict())
        problems = []
        if parity.fp32_max_abs_diff > FP32_TOLERANCE or parity.fp32_relation_max_abs_diff > FP32_TOLERANCE:
            problems.append(f"FP32 logits differ from torch by {parity.fp32_max_abs_diff:.2e} "
                            f"(relations {parity.fp32_relation_max_abs_diff:.2e}; tolerance {FP32_TOLERANCE})")
        if not (parity.fp32_identical_entities and parity.fp32_identical_relations):
            problems.append("FP32 ONNX decodes to other entities or relations than torch")
        if int8 and parity.int8_entity_agreement is not None and parity.int8_entity_agreement < min_int8_agreement:
            problems.append(f"INT8 agrees with FP32 on {parity.int8_entity_agreement:.1%} of entities "
                            f"(minimum {min_int8_agreement:.0%})")
        if problems:
            raise ExportError("export refused: " + "; ".join(problems))

        if int8 and not keep_fp32:
            (staging / ENCODER_FILE).unlink()
        manifest = {
            "format": 1,
            "files": {p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size}
                      for p in sorted(staging.iterdir()) if p.is_file()},
            "versions": _versions(),
            "parity": parity.to_dict(),
            "source_model": str(model_dir),
            "int8_weight_scales": ("per channel" if per_channel else "per tensor") if int8 else None,
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if output_dir.exists():
            shutil.rmtree(output_dir)
        shutil.copytree(staging, output_dir)
    return manifest
