"""The joint network: one PhoBERT encoder pass feeds a tagger and a relation classifier.

The only module of ``vner.model`` that imports torch; ``vner.serving`` never imports it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch
from torch import nn

from vner.model.schema import BIO_TAGS, ENTITY_TYPES, RELATION_LABELS, check_schema, schema_dict

log = logging.getLogger(__name__)

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
VNER_KEY = "vner"


class RelationHead(nn.Module):
    """Scores an ordered entity pair from the two entity-start vectors and the two types."""

    def __init__(self, hidden_size: int, type_dim: int = 32, dropout: float = 0.1) -> None:
        super().__init__()
        self.type_embeddings = nn.Embedding(len(ENTITY_TYPES), type_dim)
        self.mlp = nn.Sequential(
            nn.Linear(3 * hidden_size + 2 * type_dim, hidden_size),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_size, len(RELATION_LABELS)),
        )

    def forward(
        self, head_vectors: torch.Tensor, tail_vectors: torch.Tensor, head_types: torch.Tensor, tail_types: torch.Tensor
    ) -> torch.Tensor:
        features = torch.cat(
            [
                head_vectors,
                tail_vectors,
                head_vectors * tail_vectors,
                self.type_embeddings(head_types),
                self.type_embeddings(tail_types),
            ],
            dim=-1,
        )
        return self.mlp(features)


class JointModel(nn.Module):
    """PhoBERT (any RoBERTa-type encoder) + BIO tagger + relation classifier over one pass."""

    def __init__(self, encoder: nn.Module, dropout: float = 0.1, relation_type_dim: int = 32) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.tagger = nn.Linear(hidden, len(BIO_TAGS))
        self.relation_head = RelationHead(hidden, relation_type_dim, dropout)
        self.head_config = {"dropout": dropout, "relation_type_dim": relation_type_dim}

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Tag logits ``[B, L, tags]`` and hidden states ``[B, L, H]`` of one encoder pass."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.tagger(self.dropout(hidden)), hidden

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        labels: torch.Tensor | None = None,
        weights: torch.Tensor | None = None,
        pair_batch: torch.Tensor | None = None,
        pair_heads: torch.Tensor | None = None,
        pair_tails: torch.Tensor | None = None,
        pair_head_types: torch.Tensor | None = None,
        pair_tail_types: torch.Tensor | None = None,
        pair_labels: torch.Tensor | None = None,
        relation_weight: float = 1.0,
    ) -> dict[str, torch.Tensor]:
        """Training pass: tag loss plus relation loss over the given pairs (positions in the batch).

        ``weights`` (one per row) scale each row's share of both losses (silver rows count less).
        """
        tag_logits, hidden = self.encode(input_ids, attention_mask)
        out = {"tag_logits": tag_logits}
        loss = tag_logits.new_zeros(())
        if weights is None:
            weights = tag_logits.new_ones(input_ids.shape[0])
        if labels is not None:
            token_loss = nn.functional.cross_entropy(
                tag_logits.transpose(1, 2), labels, ignore_index=-100, reduction="none"
            )
            token_weights = (labels != -100).float() * weights[:, None]
            tag_loss = (token_loss * token_weights).sum() / token_weights.sum().clamp(min=1e-6)
            out["tag_loss"] = tag_loss
            loss = loss + tag_loss
        if pair_labels is not None and pair_labels.numel():
            hidden = self.dropout(hidden)
            pair_logits = self.relation_head(
                hidden[pair_batch, pair_heads], hidden[pair_batch, pair_tails], pair_head_types, pair_tail_types
            )
            pair_weights = weights[pair_batch]
            pair_loss = nn.functional.cross_entropy(pair_logits, pair_labels, reduction="none")
            relation_loss = (pair_loss * pair_weights).sum() / pair_weights.sum().clamp(min=1e-6)
            out["relation_loss"] = relation_loss
            loss = loss + relation_weight * relation_loss
        out["loss"] = loss
        return out

    # --- model directory ------------------------------------------------------------

    def save(self, directory: str | Path, extra: dict | None = None) -> Path:
        """Write ``config.json`` (encoder config + schema + heads + ``extra``) and ``model.safetensors``."""
        from safetensors.torch import save_model

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        config = self.encoder.config.to_dict()
        config[VNER_KEY] = {"schema": schema_dict(), "heads": self.head_config, **(extra or {})}
        (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
        save_model(self, str(directory / WEIGHTS_FILE))
        return directory

    @classmethod
    def from_encoder(cls, name_or_path: str, **head_kwargs) -> JointModel:
        """A new joint model on a pretrained encoder (hub name or local directory)."""
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(name_or_path, add_pooling_layer=False)
        return cls(encoder, **head_kwargs)

    @classmethod
    def load(cls, directory: str | Path) -> JointModel:
        """Load a model saved by :meth:`save`; fails clearly on a different label schema."""
        from safetensors.torch import load_model
        from transformers import AutoConfig, AutoModel

        directory = Path(directory)
        config_path = directory / CONFIG_FILE
        if not config_path.exists():
            raise FileNotFoundError(f"{directory} is not a vner model directory (no {CONFIG_FILE})")
        recorded = json.loads(config_path.read_text(encoding="utf-8")).get(VNER_KEY)
        if recorded is None:
            raise ValueError(f"{directory} holds an encoder, not a trained vner model (no '{VNER_KEY}' in config)")
        check_schema(recorded["schema"])
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(directory), add_pooling_layer=False)
        model = cls(encoder, **recorded["heads"])
        load_model(model, str(directory / WEIGHTS_FILE))
        return model


def read_model_info(directory: str | Path) -> dict:
    """The ``vner`` section of a model directory's config (schema, heads, training summary)."""
    config = json.loads((Path(directory) / CONFIG_FILE).read_text(encoding="utf-8"))
    return config.get(VNER_KEY, {})
