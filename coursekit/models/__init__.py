"""One module per model family: ``ck.models.judge`` (the MNIST evaluation classifier), ..."""
