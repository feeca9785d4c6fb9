"""Training: the task-agnostic Trainer (and, later, the background jobs that run it)."""
