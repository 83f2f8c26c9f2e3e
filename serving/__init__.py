"""How a model is used on CPU: the tagger, input readers and the batch driver.

Imports neither torch nor transformers.
"""
