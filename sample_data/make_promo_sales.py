"""Generate promo_sales.csv: two years of made-up daily sales of a shop that runs frequent
promotions and closes on German public holidays, and its plan for the next four weeks.

What drives the sales, so that the inputs known ahead matter: a weekly rhythm (busy Fridays
and Saturdays, closed-ish Sundays), promotion days (about one day in five, alone or in runs of
two or three, lifting sales by about 60%, and the day after a promotion a little lower), the
public holidays of Germany (from the ``holidays`` package: a few online orders only), a slow
trend and multiplicative noise. After the last sale come 28 rows of the plan: the date and
the promotions, with the sales blank.

Run `python sample_data/make_promo_sales.py` to rewrite the file (byte-identical, fixed seed).
"""
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

SEED = 11
OUT = Path(__file__).resolve().parent / "promo_sales.csv"
WEEKDAY = np.array([0.90, 0.95, 1.00, 1.05, 1.25, 1.40, 0.35])  # Monday … Sunday
PLANNED = 28  # days of plan after the last sale


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    dates = pd.date_range("2023-01-02", periods=2 * 364 + PLANNED, freq="D")
    promo = np.zeros(len(dates), dtype=int)
    day = 0
    while day < len(dates):  # a campaign of 1–3 days, then a pause of 2–9 days
        length = rng.integers(1, 4)
        promo[day:day + length] = 1
        day += length + rng.integers(2, 10)
    german = holidays.country_holidays("DE", years=range(2023, 2026))
    closed = np.array([d in german for d in dates.date])

    after_promo = np.concatenate([[0], promo[:-1]]) * (1 - promo)
    sales = (800 * 1.08 ** (np.arange(len(dates)) / 365)        # slow trend
             * WEEKDAY[dates.day_of_week]                        # weekly rhythm
             * np.where(promo == 1, 1.6, 1.0)                    # promotion lift
             * np.where(after_promo == 1, 0.85, 1.0)             # buyers who came early
             * np.where(closed, 0.05, 1.0)                       # public holidays: closed
             * rng.lognormal(0, 0.07, len(dates)))               # noise
    table = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "promo": promo,
                          "sales": sales.round(2)})
    table.loc[len(dates) - PLANNED:, "sales"] = np.nan           # the plan: no sales yet
    return table


def make(path: Path = OUT) -> None:
    build().to_csv(path, index=False, float_format="%.2f")


if __name__ == "__main__":
    make()
