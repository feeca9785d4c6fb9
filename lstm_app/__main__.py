"""``python -m lstm_app``: the command line, in the language of the locale (``LANG``, e.g.
``zh_CN.UTF-8``). ``predict`` runs without PyTorch, so it is sent to its own module before the
rest (which imports PyTorch) is loaded."""

import os
import sys

from .i18n import language_from_environment, set_language

# A stream the shell closed (>&-) is None in Python: written to nowhere, as the shell asked
sys.stdout = sys.stdout or open(os.devnull, "w", encoding="utf-8")
sys.stderr = sys.stderr or open(os.devnull, "w", encoding="utf-8")

set_language(language_from_environment())

if sys.argv[1:2] == ["predict"]:
    from .export.commands import main as predict_main
    raise SystemExit(predict_main(sys.argv[1:]))

from .cli import main  # noqa: E402

raise SystemExit(main())
