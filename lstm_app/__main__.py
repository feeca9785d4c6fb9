"""``python -m lstm_app``: the command line, in the language of the locale (``LANG``, e.g.
``zh_CN.UTF-8``). ``predict`` runs without PyTorch, so it is sent to its own module before the
rest (which imports PyTorch) is loaded."""

import sys

from .i18n import language_from_environment, set_language

set_language(language_from_environment())

if sys.argv[1:2] == ["predict"]:
    from .export.commands import main as predict_main
    raise SystemExit(predict_main(sys.argv[1:]))

from .cli import main  # noqa: E402

raise SystemExit(main())
