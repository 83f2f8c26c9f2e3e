"""What a model is: the label schema, documents, the text pipeline and decoding.

Nothing in this package imports torch, except the network module, which
``vner.serving`` never imports.
"""
