"""``python -m lstm_app``: the command line. ``predict`` runs without PyTorch, so it is sent to
its own module before the rest (which imports PyTorch) is loaded."""

import sys

if sys.argv[1:2] == ["predict"]:
    from .export.commands import main as predict_main
    raise SystemExit(predict_main(sys.argv[1:]))

from .cli import main  # noqa: E402

raise SystemExit(main())
