"""vner: named entities and relations in Vietnamese news.

>>> import vner
>>> doc = vner.predict("Phó Chủ tịch UBND tỉnh Bùi Văn Khắng chủ trì cuộc họp.")  # doctest: +SKIP
>>> [(e.type, e.text) for e in doc.entities]  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

from vner.model.document import Document, Entity, Relation

if TYPE_CHECKING:
    from vner.serving.tagger import Tagger

__version__ = "0.1.0"
__all__ = ["Document", "Entity", "Relation", "__version__", "load", "predict"]

_loaded: dict[str, Tagger] = {}
_loaded_lock = threading.Lock()


def load(path: str | Path | None = None, **kwargs) -> Tagger:
    """A :class:`~vner.serving.tagger.Tagger` for an exported model directory.

    Without ``path``: the default model shipped in the package. Without
    ``kwargs`` (``precision``, ``threads``, ``batch_size``, ``rules`` of the Tagger), a model
    is loaded once and shared.
    """
    from vner.serving.tagger import Tagger

    if kwargs:
        return Tagger.from_pretrained(path, **kwargs)
    key = str(Path(path).resolve()) if path is not None else ""
    with _loaded_lock:
        if key not in _loaded:
            _loaded[key] = Tagger.from_pretrained(path)
        return _loaded[key]


@overload
def predict(text: str, model: str | Path | None = None) -> Document: ...


@overload
def predict(text: Sequence[str], model: str | Path | None = None) -> list[Document]: ...


def predict(text: str | Sequence[str], model: str | Path | None = None) -> Document | list[Document]:
    """Entities and relations of ``text``, offsets on ``text`` itself; for a sequence of texts, a list.

    ``model`` is an exported model directory; by default the shipped model, which runs the
    rule-based labeller beside it (``load(rules=False).predict(text)`` for the model alone).
    """
    return load(model).predict(text)
