"""``python -m lstm_app``: the command line."""

from .cli import main

raise SystemExit(main())
