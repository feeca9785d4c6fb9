"""Time series: loading a user's CSV, windows and scaling, the forecaster, evaluation, forecasting."""
