"""Auto-tune: Optuna's search over a task's settings, every trial a run in the store.

``space.py`` says what is searched, ``limits.py`` how far the data lets it go, ``storage.py``
where a study is kept, ``study.py`` runs one, ``result.py`` holds its trials and verdict,
``commands.py`` is ``python -m lstm_app tune``. Optuna is imported only when a study runs.
"""
