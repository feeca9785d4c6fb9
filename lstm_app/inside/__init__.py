"""Inside the LSTM: explicit cells on trained weights, and what their gates and states show."""
