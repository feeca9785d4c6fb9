"""The only package code that imports streamlit: forms ↔ configs, live polling, result views."""
