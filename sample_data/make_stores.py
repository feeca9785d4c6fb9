"""Generate stores.csv: daily sales (euros) of the 50 stores of a made-up chain, a row per day.

From September 2023 to May 2024 (38 weeks: the December peak is in the training span, and Home's
demo trains on every store in about 25 s on two cores; 18 months took 65 s). Stores
of very different sizes (about 300 to 20,000 a day, the flagships the largest), each with its
own trend and its own weekly rhythm (shopping streets busy on Saturdays, office districts quiet
at weekends), a December peak of its own height, a spring that lifts tourist spots, half days
on 24 and 31 December and closed on 25 December and 1 January, chain-wide promotions (the
`promo` column, 0 or 1) that lift sales, and multiplicative noise. Three stores open months
after the others and two close early (one before the validation span: it is never scored).
So that the loader has something to repair, one day is missing for every store, 12 store-days
are missing and 8 sales cells are blank. A few names hold commas ("Paris, Rivoli") or Chinese.
Run `python sample_data/make_stores.py` to rewrite the file (byte-identical, fixed seed).
"""
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 11
OUT = Path(__file__).resolve().parent / "stores.csv"
FIRST_DAY, LAST_DAY = "2023-09-04", "2024-05-26"  # Monday to Sunday
STORES = [
    "Amsterdam Centraal", "Antwerp Meir", "Barcelona Gracia", "Bath", "Berlin, Mitte",
    "Birmingham Bullring", "Bologna", "Bordeaux", "Bristol Cabot Circus", "Brussels Louise",
    "Cambridge", "Cardiff", "Copenhagen Stroget", "Dublin Grafton Street", "Edinburgh Princes St",
    "Eindhoven", "Frankfurt Zeil", "Geneva", "Glasgow Buchanan St", "Hamburg, Jungfernstieg",
    "Leeds Trinity", "Lille", "Liverpool One", "London Canary Wharf", "London Kings Cross",
    "London Oxford Street", "Lyon, Part-Dieu", "Madrid Sol", "Manchester Arndale", "Milan Brera",
    "Munich Marienplatz", "Nantes", "Newcastle Eldon Sq", "Nice", "Oslo Karl Johan",
    "Oxford", "Paris, La Defense", "Paris, Rivoli", "Porto", "Rotterdam Lijnbaan",
    "Seville", "Stockholm Drottninggatan", "Strasbourg", "Turin", "Utrecht",
    "Vienna Mariahilfer", "York", "上海 南京路", "北京 王府井", "广州 天河",
]
OPENS = {"Eindhoven": "2023-10-16", "London Kings Cross": "2023-11-20", "广州 天河": "2024-01-08"}
CLOSES = {"Bath": "2024-02-29", "Turin": "2024-04-28"}  # the last day each sold
FLAGSHIPS = {"London Oxford Street", "Paris, Rivoli", "Berlin, Mitte", "上海 南京路", "北京 王府井",
             "Madrid Sol", "Milan Brera", "Amsterdam Centraal"}  # the largest stores
OFFICE = {"London Canary Wharf", "Paris, La Defense", "Frankfurt Zeil", "Brussels Louise"}
TOURIST = {"Barcelona Gracia", "Nice", "Seville", "Porto", "York", "Edinburgh Princes St",
           "Paris, Rivoli", "上海 南京路", "北京 王府井"}
SHOPPING_WEEK = np.array([0.85, 0.85, 0.90, 0.95, 1.10, 1.50, 0.85])  # Monday … Sunday
OFFICE_WEEK = np.array([1.15, 1.20, 1.20, 1.15, 1.05, 0.55, 0.35])


def bump(day_of_year, centre, width):
    return np.exp(-0.5 * ((day_of_year - centre) / width) ** 2)


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    dates = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    n, days = len(STORES), len(dates)
    t = np.arange(days) / 365.25
    doy = dates.day_of_year.to_numpy()
    md = np.asarray(dates.strftime("%m-%d"))
    office = np.array([s in OFFICE for s in STORES])[:, None]
    tourist = np.array([s in TOURIST for s in STORES])[:, None]

    # Chain-wide promotions: 8 campaigns of 5 days, the same days in every store.
    promo = np.zeros(days, dtype=int)
    for start in rng.choice(np.arange(0, days - 5, 7), size=8, replace=False):
        promo[start:start + 5] = 1

    # Very different sizes (about 300 to 20,000 a day), the flagships the largest.
    sizes = np.sort(np.exp(rng.uniform(np.log(300), np.log(20_000), n)))[::-1]
    flagship = np.array([s in FLAGSHIPS for s in STORES])
    level = np.empty(n)
    level[flagship] = rng.permutation(sizes[:flagship.sum()])
    level[~flagship] = rng.permutation(sizes[flagship.sum():])
    level = level[:, None]
    growth = rng.normal(0.04, 0.08, n)[:, None]                            # trend, per year
    week = np.where(office, OFFICE_WEEK, SHOPPING_WEEK) * rng.lognormal(0, 0.05, (n, 7))  # its own
    christmas = rng.uniform(0.3, 0.8, n)[:, None]
    spring = np.where(tourist, rng.uniform(0.15, 0.35, n)[:, None], 0.0)  # tourists from Easter
    lift = rng.uniform(1.1, 1.35, n)[:, None]
    noise = rng.uniform(0.05, 0.14, n)[:, None]
    sales = (
        level * (1 + growth) ** t                                          # trend
        * week[:, dates.day_of_week]                                       # weekly rhythm
        * (1 + christmas * bump(doy, 352, 10) + spring * bump(doy, 135, 25))  # December, spring
        * np.where(promo == 1, lift, 1.0)                                  # promotion lift
        * rng.lognormal(0, noise, (n, days))                               # multiplicative noise
    )
    sales[:, np.isin(md, ["12-24", "12-31"])] *= 0.6                      # half days
    sales[:, np.isin(md, ["12-25", "01-01"])] = 0.0                       # closed

    frame = pd.DataFrame({"date": np.tile(dates.strftime("%Y-%m-%d"), n),
                          "store": np.repeat(STORES, days),
                          "sales": sales.ravel().round(2),
                          "promo": np.tile(promo, n)})
    day = np.tile(dates, n)
    opens = pd.to_datetime(frame["store"].map(OPENS).fillna(FIRST_DAY)).to_numpy()
    closes = pd.to_datetime(frame["store"].map(CLOSES).fillna(LAST_DAY)).to_numpy()
    lost_day = dates[rng.integers(30, days - 30)]                        # an export lost a day
    kept = (day >= opens) & (day <= closes) & (day != lost_day)
    # Blanks and lost rows a week or more inside each store's span, so every store keeps its
    # first and last day.
    inside = np.flatnonzero(kept & (day >= opens + np.timedelta64(7, "D"))
                            & (day <= closes - np.timedelta64(7, "D")))
    picked = rng.choice(inside, size=20, replace=False)
    frame.loc[picked[:8], "sales"] = np.nan
    kept[picked[8:]] = False
    return frame[kept].reset_index(drop=True)


def make(path: Path = OUT) -> None:
    build().to_csv(path, index=False, float_format="%.2f", lineterminator="\n")


if __name__ == "__main__":
    make()
