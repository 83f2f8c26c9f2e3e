"""How a model is made: weak labelling, datasets, training, evaluation and export."""
