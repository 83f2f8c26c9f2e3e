"""The CPU tagger: an exported model directory run with onnxruntime. No torch, no transformers.

>>> tagger = Tagger.from_pretrained()          # the model shipped in the package  # doctest: +SKIP
>>> doc = tagger.predict("Phó Chủ tịch UBND tỉnh Bùi Văn Khắng chủ trì cuộc họp.")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from vner.model.decode import (
    DEFAULT_BATCH_SIZE,
    RULES_MIN_SCORE,
    EncodedText,
    encode_text,
    pad_batch,
    predict_texts,
    rules_function,
    uses_rules,
)
from vner.model.document import Document
from vner.model.pipeline import Window
from vner.model.schema import check_schema
from vner.model.subwords import PAD, SPECIAL_IDS, load_tokenizer

log = logging.getLogger(__name__)

CONFIG_FILE = "config.json"
ENCODER_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}
RELATIONS_FILE = "relations.onnx"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default_model"


def default_model_dir() -> Path:
    """Where the model shipped inside the package lives."""
    return DEFAULT_MODEL_DIR


class Tagger:
    """Entities and relations of texts, with an exported (ONNX) model on CPU.

    Safe to share across threads: onnxruntime sessions and the tokenizer are
    thread-safe and nothing else is mutated after construction.

    ``rules`` runs the rule-based labeller beside the model and keeps its annotation where it
    speaks (:func:`vner.model.decode.merge_rules`); ``None`` takes the model config's setting.
    Model entities and relations are then added from ``rules_min_score`` on.

    ``batch_size`` windows go through the model per call. With the default, one, a text's result
    depends on that text alone; with more, INT8 results can change slightly with what shares the
    batch, because dynamic quantisation scales activations over the whole batch.
    """

    def __init__(self, directory: str | Path, *, precision: str = "auto", threads: int | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, rules: bool | None = None,
                 rules_min_score: float = RULES_MIN_SCORE) -> None:
        import onnxruntime as ort

        self.directory = Path(directory)
        config_path = self.directory / CONFIG_FILE
        if not config_path.exists():
            raise FileNotFoundError(f"{self.directory} is not an exported vner model (no {CONFIG_FILE}); "
                                    "export one with: vner export --model DIR --output DIR")
        info = json.loads(config_path.read_text(encoding="utf-8")).get("vner", {})
        check_schema(info.get("schema", {}))
        self.segmenter: str = info["segmenter"]
        self.max_length: int = info["max_length"]
        self.batch_size = batch_size
        self.rules = uses_rules(info, rules)
        self.rules_min_score = rules_min_score
        if precision == "auto":
            precision = "int8" if (self.directory / ENCODER_FILES["int8"]).exists() else "fp32"
        if precision not in ENCODER_FILES:
            raise ValueError(f"precision must be auto, int8 or fp32, not {precision!r}")
        encoder_path = self.directory / ENCODER_FILES[precision]
        if not encoder_path.exists():
            raise FileNotFoundError(f"{encoder_path} does not exist")
        self.precision = precision

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0  # 0: onnxruntime picks the core count
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]
        self._encoder = ort.InferenceSession(str(encoder_path), options, providers=providers)
        self._relations = ort.InferenceSession(str(self.directory / RELATIONS_FILE), options, providers=providers)
        self._tokenizer = load_tokenizer(self.directory)

    @classmethod
    def from_pretrained(cls, directory: str | Path | None = None, **kwargs) -> Tagger:
        """Load an exported model directory, or the default model shipped in the package."""
        if directory is None:
            directory = os.environ.get("VNER_MODEL") or default_model_dir()
            if not Path(directory).exists():
                raise FileNotFoundError(
                    f"no default model at {directory}: this vner build ships none; pass a model directory"
                )
        return cls(directory, **kwargs)

    # --- the two model functions the shared decoder needs ------------------------------

    def encode(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tag logits and hidden states of a padded batch of windows."""
        tag_logits, hidden = self._encoder.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return tag_logits, hidden

    def score_pairs(self, head_vectors: np.ndarray, tail_vectors: np.ndarray, head_types: np.ndarray,
                    tail_types: np.ndarray) -> np.ndarray:
        """Relation logits of candidate entity pairs."""
        (logits,) = self._relations.run(None, {
            "head_vectors": head_vectors.astype(np.float32), "tail_vectors": tail_vectors.astype(np.float32),
            "head_types": head_types, "tail_types": tail_types,
        })
        return logits

    # --- text in, documents out -----------------------------------------------------------

    def batch(self, windows: Sequence[Window]) -> tuple[np.ndarray, np.ndarray]:
        """Padded ``input_ids`` and ``attention_mask`` of windows."""
        return pad_batch(windows, SPECIAL_IDS[PAD])

    def encode_texts(self, texts: Iterable[str]) -> list[EncodedText]:
        """Normalise, segment, tokenise and window each text (the model's input, without rules)."""
        return [encode_text(text, self._tokenizer, segmenter=self.segmenter, max_length=self.max_length)
                for text in texts]

    def _decode(self, texts: Sequence[str], batch_size: int | None = None) -> list[Document]:
        return predict_texts(texts, self._tokenizer, segmenter=self.segmenter, max_length=self.max_length,
                             encode=self.encode, score_pairs=self.score_pairs, pad_id=SPECIAL_IDS[PAD],
                             batch_size=batch_size or self.batch_size, rules=rules_function(self.rules),
                             rules_min_score=self.rules_min_score)

    @overload
    def predict(self, texts: str, batch_size: int | None = None) -> Document: ...

    @overload
    def predict(self, texts: Sequence[str], batch_size: int | None = None) -> list[Document]: ...

    def predict(self, texts: str | Sequence[str], batch_size: int | None = None) -> Document | list[Document]:
        """Entities and relations of one text (a Document) or of several (a list).

        Offsets index the caller's own strings: ``text[e.start:e.end] == e.text``.
        ``batch_size`` windows go through the model at a time (default: the tagger's).
        """
        if isinstance(texts, str):
            return self._decode([texts], batch_size)[0]
        if isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
            raise TypeError(f"predict takes a str or a sequence of str, not {_kind(texts)}")
        return self._decode([_require_str(text, index) for index, text in enumerate(texts)], batch_size)

    def pipe(self, texts: Iterable[str], batch_size: int | None = None, chunk_size: int = 64) -> Iterator[Document]:
        """Documents for a stream of texts, in order.

        Texts are taken ``chunk_size`` at a time; inside a chunk, windows of all
        texts are batched by length (``batch_size`` windows per model call), so
        that with a batch size above one, short and long articles do not pad each other.
        """
        chunk: list[str] = []
        for index, text in enumerate(texts):
            chunk.append(_require_str(text, index))
            if len(chunk) >= chunk_size:
                yield from self._decode(chunk, batch_size)
                chunk = []
        if chunk:
            yield from self._decode(chunk, batch_size)


def _require_str(text: object, index: int) -> str:
    """``text`` itself, or a TypeError naming its position among the caller's texts."""
    if not isinstance(text, str):
        raise TypeError(f"texts must be str; text {index} is {_kind(text)}")
    return text


def _kind(value: object) -> str:
    """How a wrong argument is named in an error: its type, and how to mend bytes."""
    if isinstance(value, (bytes, bytearray)):
        return f"{type(value).__name__} (decode it first, e.g. data.decode('utf-8'))"
    return type(value).__name__
