"""The Classify task: an LSTM that reads labelled texts and learns their classes."""
