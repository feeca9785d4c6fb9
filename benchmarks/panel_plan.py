"""Inputs known ahead for a file of many series: a made-up chain of shops whose sales follow
each shop's own planned promotions and close on Germany's public holidays, trained as one
panel with the page's suggested settings, with and without the inputs known ahead (each shop's
promotions planned in the rows after its last sale, Germany's holidays, the calendar read over
the horizon), side by side on the same data and seed; and how long one shop's what-if takes to
redraw its forecast (one pass of the network).

Against the same model without them (the promotions read over the past only, no holidays),
the test span's panel MASE should fall as it does for one series (issue 14's target there: by
at least 20%). The statistical models are left out (``statistical_seconds`` 0): this measures
the LSTM's inputs, not the scoreboard.

    python -m benchmarks.panel_plan [--shops 30] [--seeds 0 1]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time

import holidays
import numpy as np
import pandas as pd
import torch

from lstm_app.series.panel import load_panel
from lstm_app.series.panel_detail import series_what_if
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.sizing import suggested_config

PLANNED = 28  # days of plan after each shop's last sale


def chain(shops: int, seed: int = 11) -> bytes:
    """Two years of daily sales of ``shops`` shops (sizes 200–5,000 a day, each with its own
    weekly rhythm and trend), each with promotion campaigns of its own (1–3 days, a pause of
    2–9), lifting sales by 40–80% and the next day 15% lower; closed on Germany's holidays;
    then 28 planned days (the sales blank, the promotions filled in)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-02", periods=2 * 364 + PLANNED, freq="D")
    german = holidays.country_holidays("DE", years=range(2023, 2026))
    closed = np.array([d in german for d in dates.date])
    frames = []
    for shop in range(shops):
        promo = np.zeros(len(dates), dtype=int)
        day = int(rng.integers(0, 5))
        while day < len(dates):
            length = int(rng.integers(1, 4))
            promo[day:day + length] = 1
            day += length + int(rng.integers(2, 10))
        after = np.concatenate([[0], promo[:-1]]) * (1 - promo)
        week = 1 + rng.uniform(0.1, 0.4) * np.sin(2 * np.pi * (dates.dayofweek.to_numpy() + rng.integers(7))
                                                   / 7)
        sales = (np.exp(rng.uniform(np.log(200), np.log(5000)))
                 * (1 + rng.uniform(-0.1, 0.2)) ** (np.arange(len(dates)) / 365) * week
                 * np.where(promo == 1, 1 + rng.uniform(0.4, 0.8), 1.0)
                 * np.where(after == 1, 0.85, 1.0) * np.where(closed, 0.05, 1.0)
                 * rng.lognormal(0, 0.07, len(dates)))
        sales[-PLANNED:] = np.nan
        frames.append(pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "shop": f"shop {shop:02d}",
                                    "promo": promo, "sales": sales.round(2)}))
    return pd.concat(frames).to_csv(index=False).encode()


def run(panel, given: dict) -> tuple[dict, float]:
    config = suggested_config(panel, {**given, "statistical_seconds": 0})
    started = time.perf_counter()
    result = score_panel(fit_panel(panel, config), panel)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    print(f"panel with a plan, {datetime.date.today()}, {platform.machine()}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}", flush=True)
    data = chain(args.shops)
    panel = load_panel(data, id_cols=["shop"], value_col="sales", covariates=["promo"])
    print(f"{panel.n_series} shops, {int(panel.lengths.sum()):,} rows, "
          f"{len(panel.plan):,} planned rows")
    with_known = {"covariates": ("promo",), "known_covariates": ("promo",), "holidays": "DE"}
    without = {"covariates": ("promo",), "known_covariates": (), "holidays": ""}
    for seed in args.seeds:
        rows = {}
        for label, given in (("known ahead", with_known), ("past only", without)):
            result, seconds = run(panel, {**given, "seed": seed})
            rows[label] = result.aggregate["lstm"]["mase"]
            naive = result.aggregate["seasonal_naive"]["mase"]
            print(f"seed {seed}, {label}: lookback {result.config.lookback}, horizon "
                  f"{result.config.horizon}, {result.config.hidden_size} units, "
                  f"{len(result.training.history)} epochs (best {result.training.best_epoch}); "
                  f"test panel MASE {rows[label]:.3f} (seasonal naive {naive:.3f}); "
                  f"{seconds:.1f} s", flush=True)
            if label == "known ahead":
                what_if_seconds(result)
        cut = 1 - rows["known ahead"] / rows["past only"]
        print(f"seed {seed}: the inputs known ahead cut the test MASE by {cut:.1%}")


def what_if_seconds(result, shops: int = 20) -> None:
    """Each of ``shops`` shops' what-if (the page's, under its forecast): a promotion added on
    the plan's second day, the forecast redrawn; the milliseconds one redraw takes."""
    times = []
    for i in range(min(shops, result.panel.n_series)):
        what = series_what_if(result, i)
        edited = what.plan.copy()
        edited.iloc[1, 0] = 1.0
        started = time.perf_counter()
        what.moved(edited)
        times.append(1000 * (time.perf_counter() - started))
    print(f"what-if of one shop: {np.median(times):.1f} ms median, slowest {max(times):.1f} ms "
          f"(the first of {len(times)}: {times[0]:.1f} ms)", flush=True)


if __name__ == "__main__":
    main()
