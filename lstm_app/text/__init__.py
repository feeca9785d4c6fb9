"""Text: corpus and vocabularies, the language model, generation and its checks."""
