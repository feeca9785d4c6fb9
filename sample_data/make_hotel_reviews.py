"""Generate hotel_reviews_zh.csv: 2,000 Chinese hotel reviews, each labelled positive or negative.

Drawn from ChnSentiCorp_htl_all (``../shared/datasets/chnsenticorp_htl_all.csv``: 7,766 reviews
from a Chinese travel site, labelled 1 positive or 0 negative), a seeded random draw that keeps
the set's own share of each label (about 69% positive), the blank review left out, the labels
written as words. Small enough for Home's demo to train in well under a minute on two cores.
Run `python sample_data/make_hotel_reviews.py` to rewrite the file (byte-identical, fixed seed).
"""
from pathlib import Path

import pandas as pd

SEED = 7
REVIEWS = 2_000
HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "shared" / "datasets" / "chnsenticorp_htl_all.csv"
OUT = HERE / "hotel_reviews_zh.csv"


def make(out: Path = OUT) -> pd.DataFrame:
    """The sample, written to ``out``."""
    reviews = pd.read_csv(SOURCE, dtype={"review": str}).dropna(subset=["review"])
    share = REVIEWS / len(reviews)
    drawn = (reviews.groupby("label").sample(frac=share, random_state=SEED)
             .sample(frac=1.0, random_state=SEED))
    table = pd.DataFrame({"review": drawn["review"].str.strip(),
                          "label": drawn["label"].map({1: "positive", 0: "negative"})})
    table.to_csv(out, index=False, lineterminator="\n")
    return table


if __name__ == "__main__":
    made = make()
    print(f"{OUT.name}: {len(made):,} reviews, {made['label'].value_counts().to_dict()}")
