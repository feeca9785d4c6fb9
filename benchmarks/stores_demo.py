"""Home's "Forecast 50 stores at once" demo, timed: the stores sample loaded as the Forecast page
loads it, trained with the settings the page suggests for it, and scored (target: under a
minute from Train to results on a two-core machine).

The page reads the file's proposed layout (``propose_layout``: the id column ``store``), loads
the panel with it, and trains with ``suggested_config`` from the settings Home's demo button
sets (a 20-second limit for each statistical model: AutoARIMA, about 45 s for the 50 stores, is
left out with a notice) and the hidden size the training windows can fill,
season_anchor "auto", the epochs and early stopping of ``ForecastConfig``; so does this script,
without the page's live charts.

    python -m benchmarks.stores_demo
"""

from __future__ import annotations

import datetime
import os
import platform
import time

import torch

from lstm_app.samples import sample_named
from lstm_app.series.panel import load_panel, propose_layout
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.sizing import suggested_config


STORES = sample_named("stores")


def main() -> None:
    torch.set_num_threads(1)  # as the app's training worker (lstm_app.ui.session.start_job)
    path = STORES.path
    print(f"Stores demo, {datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"torch threads {torch.get_num_threads()}, torch {torch.__version__}", flush=True)
    started = time.perf_counter()
    data = path.read_bytes()
    proposal = propose_layout(data, path.name)
    panel = load_panel(data, layout="long", id_cols=proposal.ids, time_col=proposal.time_col,
                       name=path.name)
    loaded = time.perf_counter() - started
    print(f"load: {panel.n_series} series (ids: {', '.join(proposal.ids)}), {len(panel.values):,} "
          f"rows, {panel.freq_label}, season {panel.season_length}: {loaded:.1f} s", flush=True)
    config = suggested_config(panel, dict(STORES.demo_settings))  # as Home's demo button
    started = time.perf_counter()
    trained = fit_panel(panel, config)
    fitted = time.perf_counter() - started
    t = trained.training
    print(f"training: {fitted:.1f} s, {len(t.history)} epochs (best {t.best_epoch}, "
          f"{t.stop_reason}); lookback {trained.config.lookback}, horizon "
          f"{trained.config.horizon}, {trained.config.hidden_size} units, season_anchor "
          f"{trained.config.season_anchor}", flush=True)
    started = time.perf_counter()
    result = score_panel(trained, panel)
    scored = time.perf_counter() - started
    scores, reference = result.aggregate, result.aggregate["reference"]
    print(f"scoring: {scored:.1f} s; total {loaded + fitted + scored:.1f} s")
    print(f"test span, {scores['series']} series scored: mean MASE LSTM "
          f"{scores['lstm']['mase']:.3f}, {reference.replace('_', ' ')} "
          f"{scores[reference]['mase']:.3f}; LSTM relative to it (geometric mean) "
          f"{scores['lstm']['relative_mase']:.3f}, better on {scores['lstm']['beats_reference']}"
          f" of {scores['series']} series")
    print(f"verdict: {result.verdict}")
    for notice in result.notices:
        if "left out" in notice:
            print(f"note: {notice}")


if __name__ == "__main__":
    main()
