"""vner: named entities and relations in Vietnamese news."""

from vner.model.document import Document, Entity, Relation

__version__ = "0.1.0"
__all__ = ["Document", "Entity", "Relation", "__version__"]
