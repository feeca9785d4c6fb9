"""Generate daily_sales.csv: three years of made-up daily sales of a shop, with a promo flag.

Trend (+12 % a year), weekly rhythm (busy Saturdays, quiet Sundays), a summer dip and a
Christmas peak, holidays (closed 25 Dec and 1 Jan, half days 24 and 31 Dec, Black Friday
spike), promotion days that lift sales, multiplicative noise, and, so the loader has
something to repair, 10 missing days and 5 blank sales cells.
Run `python sample_data/make_daily_sales.py` to rewrite the file (byte-identical, fixed seed).
"""
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 7
OUT = Path(__file__).resolve().parent / "daily_sales.csv"
WEEKDAY = np.array([0.85, 0.90, 0.95, 1.00, 1.15, 1.45, 0.45])  # Monday … Sunday


def bump(day_of_year, centre, width):
    return np.exp(-0.5 * ((day_of_year - centre) / width) ** 2)


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    dates = pd.date_range("2022-01-03", "2024-12-31", freq="D")
    t = np.arange(len(dates)) / 365.25
    doy = dates.day_of_year.to_numpy()
    md = dates.strftime("%m-%d")

    # Promotions: 25 campaigns of 4 days each, plus every Black Friday (day after 4th Thursday).
    promo = np.zeros(len(dates), dtype=int)
    for start in rng.choice(len(dates) - 4, size=25, replace=False):
        promo[start:start + 4] = 1
    black_friday = (dates.month == 11) & (dates.day_of_week == 4) & (dates.day >= 23) & (dates.day <= 29)
    promo[black_friday] = 1

    sales = (
        1200 * 1.12 ** t                                     # trend
        * WEEKDAY[dates.day_of_week]                             # weekly seasonality
        * (1 - 0.15 * bump(doy, 210, 25) + 0.45 * bump(doy, 354, 12))  # summer dip, December peak
        * np.where(promo == 1, 1.25, 1.0)                    # promotion lift
        * rng.lognormal(0, 0.08, len(dates))                 # multiplicative noise
    )
    sales[black_friday] *= 2.0
    sales[np.isin(md, ["12-24", "12-31"])] *= 0.6            # half days
    sales[np.isin(md, ["12-25", "01-01"])] *= 0.02           # closed: a few online orders

    df = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "sales": sales.round(2), "promo": promo})
    df.loc[rng.choice(np.arange(10, len(df) - 10), size=5, replace=False), "sales"] = np.nan
    gone = rng.choice(np.arange(1, len(df) - 1), size=10, replace=False)
    return df.drop(index=gone).reset_index(drop=True)


def make(path: Path = OUT) -> None:
    build().to_csv(path, index=False, float_format="%.2f")


if __name__ == "__main__":
    make()
