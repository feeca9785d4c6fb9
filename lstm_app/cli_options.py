"""A task's settings on the command line: one ``--name`` option per row of its settings table
(with the table's help), the values given checked by the table, and the note that names the
settings suggested for the data; and ``--ray``, the cluster to train on."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .i18n import language, listing, tr
from .training.settings import Setting


def add_settings(parser: argparse.ArgumentParser, settings: dict[str, Setting],
                  defaults, suggested: tuple[str, ...] = ()) -> None:
    """One option per setting of a task's table (``defaults``: its default config); values stay
    text until ``given_settings``. ``suggested`` names the settings whose default is suggested
    for the data."""
    for s in settings.values():
        if not s.on_cli:
            continue
        flag = "--" + s.name.replace("_", "-")
        default = getattr(defaults, s.name)
        help = (tr("{help} (default: suggested for the data)", help=tr(s.help))
                if s.name in suggested else
                tr("{help} (default: {default})", help=tr(s.help),
                   default=typed(default) if isinstance(default, str) else plain(default))
                ).replace("%", "%%")
        if s.kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None,
                                help=help)
        else:
            parser.add_argument(flag, default=None, metavar=metavar(s), help=help)


def plain(value) -> str:
    if value is None:
        return tr("detected")
    if isinstance(value, tuple):
        return ",".join(value) or tr("none")
    return tr("true") if value is True else tr("false") if value is False else f"{value}"


def typed(word: str) -> str:
    """A value as it is typed on the command line (a choice, a column): in English as it is, in
    Chinese between backticks, as Chinese text shows code."""
    return word if language() == "en" or not word else f"`{word}`"


def metavar(s: Setting) -> str:
    if s.choices:
        return "|".join(s.choices)
    if s.kind is tuple:
        return "C1,C2"
    word = {int: "N", float: "X", str: "TEXT"}[s.kind]
    return f"{word}|auto" if s.auto else word


def given_settings(args: argparse.Namespace, settings: dict[str, Setting]) -> dict:
    """The settings the user gave on the command line, each checked by its row of the table."""
    given = {}
    for s in settings.values():
        raw = getattr(args, s.name, None) if s.on_cli else None
        if raw is not None:
            given[s.name] = raw if s.kind is bool else s.parse(raw)
    return given




def suggested_note(config, task, note: str):
    """The config, after the ``note`` (a catalog sentence) naming the settings suggested for
    the data: in English by their names and values as Python writes them (``hidden_size 64,
    keep_best False``), in Chinese by the page's labels, a choice as it is typed in backticks."""
    if config.suggested:
        if language() == "en":
            chosen = ", ".join(f"{n} {getattr(config, n)}" for n in config.suggested)
        else:
            chosen = listing(suggested_item(task.settings.get(n), n, getattr(config, n))
                             for n in config.suggested)
        print(tr(note, settings=chosen), file=sys.stderr)
    return config


def suggested_item(setting: Setting | None, name: str, value) -> str:
    label = tr(setting.label) if setting else name
    if isinstance(value, bool) or isinstance(value, (str, tuple)):
        value = plain(value) if isinstance(value, bool) else typed(plain(value))
    return f"{label} {value}"


def add_future_option(parser: argparse.ArgumentParser) -> None:
    """``--future FUTURE.csv``: the planned values of the columns known ahead (a forecast's)."""
    parser.add_argument("--future", type=Path, metavar="FUTURE.csv",
                        help=tr("planned values of the {option} columns after the last value: a "
                                "CSV with the time column and those columns",
                                option="--known-covariates"))


def add_ray_option(parser: argparse.ArgumentParser) -> None:
    """``--ray ADDRESS``: train on that Ray cluster (default: ``LSTM_APP_RAY_ADDRESS``)."""
    from .training.ray_runner import RAY_ADDRESS_VARIABLE, ray_address

    parser.add_argument("--ray", metavar="ADDRESS", default=ray_address(), help=tr(
        "train on the Ray cluster at this address, such as {example} (default: {variable}, "
        "else here)", example="10.0.0.5:6379", variable="$" + RAY_ADDRESS_VARIABLE))


def cluster_runner(address: str | None):
    """The Ray runner for ``address`` (said on stderr, with the cluster's free CPUs and GPUs),
    or None to train here."""
    if not address:
        return None
    from .training.ray_runner import cluster_resources, on_ray

    free = cluster_resources(address)
    print(tr("Training on the Ray cluster at {address}: {cpus:g} of {total:g} CPUs and "
             "{gpus:g} of {gpu_total:g} GPUs free.", address=address, cpus=free["cpus"][0],
             total=free["cpus"][1], gpus=free["gpus"][0], gpu_total=free["gpus"][1]),
          file=sys.stderr)
    return on_ray(address)
