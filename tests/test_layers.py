"""The layout's one-way dependencies, read from the imports: pages → ui → the core; in the core,
training knows no task, a task knows no run store, and only tasks.py knows every task."""

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "lstm_app"
# What each part of lstm_app may import from lstm_app (its own modules aside).
# quoting (user text inside the project's sentences), i18n (the sentences in the reader's
# language), user_json (JSON a user may have made) and file_checks (the command line's files:
# why one cannot be read, outputs checked before any work) and scripts (which writing has no
# spaces between words) are leaves every part may use.
LEAVES = {"quoting", "i18n", "user_json", "file_checks", "scripts"}
ALLOWED = {part: allowed | (LEAVES - {part}) for part, allowed in {
    "quoting": set(),
    "scripts": set(),
    "file_checks": set(),
    "user_json": set(),
    "i18n": set(),
    "training": set(),
    "encodings": set(),
    "sheet_sizes": set(),
    "spreadsheet": {"sheet_sizes"},
    "csv_header": set(),
    "csv_table": {"encodings", "spreadsheet", "csv_header"},
    "series": {"training", "encodings", "csv_table", "csv_header"},
    "text": {"training", "encodings"},
    "classify": {"training", "csv_table", "csv_header"},
    "inside": {"training", "series", "text", "classify"},
    "samples": set(),
    "charts": set(),
    "class_charts": {"charts"},
    "loss_charts": {"charts"},
    "inside_charts": {"charts"},
    "filenames": set(),
    "argparse_words": set(),
    "tasks": {"training", "series", "text", "classify"},
    "export": {"training", "series", "text", "classify", "csv_table", "argparse_words"},
    "runs": {"training", "series", "text", "tasks", "filenames", "export"},
    "tune_charts": {"charts", "training"},
    "cli_options": {"training"},
    "cli_progress": {"training"},
    "tuning": {"training", "series", "text", "classify", "tasks", "runs", "argparse_words",
               "cli_options", "cli_progress"},
    "cli": {"training", "series", "text", "classify", "tasks", "runs", "export",
            "argparse_words", "cli_options", "cli_progress", "tuning"},
    "__main__": {"cli", "export"},
    "__init__": {"training", "series", "text", "tasks", "samples"},
    "ui": {"training", "series", "text", "classify", "csv_table", "tasks", "runs", "inside",
           "charts", "class_charts", "inside_charts", "loss_charts", "samples", "filenames", "export",
           "tuning", "tune_charts"},
}.items()}


def lstm_app_imports(path: Path) -> set[str]:
    """The parts of lstm_app a module imports (relative imports resolved)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[:len(parts) - node.level]
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [target] if node.module else [[*base, a.name] for a in node.names]
            elif node.module and node.module.startswith("lstm_app"):
                names = [node.module.split(".")[1:]]
            else:
                continue
            found |= {n[0] for n in names if n}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("lstm_app.")}
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_each_module_imports_only_downwards(path):
    part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    upward = lstm_app_imports(path) - ALLOWED[part] - {part}
    assert not upward, f"{path.relative_to(REPO)} imports {sorted(upward)}"


def test_only_the_ui_imports_streamlit():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        if any(m.split(".")[0] == "streamlit" for m in modules):
            assert path.relative_to(PACKAGE).parts[0] == "ui", path


def test_the_pages_import_only_the_ui_and_the_task_table():
    for path in (REPO / "pages").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("lstm_app"):
                assert node.module.split(".")[1] in ("ui", "tasks", "charts", "inside_charts",
                                                     "inside", "i18n"), \
                    f"{path.name} imports {node.module}"


def test_the_forkserver_warm_up_imports_torch_alone():
    tree = ast.parse((PACKAGE / "training" / "forkserver_warmup.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported == {"torch"}


def test_the_flag_the_navigation_workaround_clears_is_still_there():
    """If Streamlit renames or drops it, lstm_app/ui/navigation.py must be looked at again (and
    tests/browser/test_navigation.py says whether deep links still need it)."""
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)
