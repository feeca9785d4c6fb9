"""Auto-tune: Optuna's search over a task's settings, every trial a run in the store.

``space.py`` says what is searched, ``storage.py`` where a study is kept, ``study.py`` runs one,
``commands.py`` is ``python -m lstm_app tune``. Optuna is imported only when a study runs.
"""
