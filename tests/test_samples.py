"""The shipped sample datasets: registry, files, and their deterministic generators."""
import json
import runpy
from pathlib import Path

import pandas as pd
import pytest

from lstm_app.classify.labelled import load_labelled
from lstm_app.text.corpus import read_text
from lstm_app.samples import SAMPLE_DIR, Sample, list_samples, sample_path

AIRLINE_SOURCE = Path("/work/shared/datasets/airline_passengers.csv")


def generator(name: str) -> dict:
    return runpy.run_path(str(SAMPLE_DIR / f"make_{name}.py"))


def test_every_sample_exists_and_parses():
    entries = json.loads((SAMPLE_DIR / "samples.json").read_text(encoding="utf-8"))
    samples = list_samples()
    assert [s.path.name for s in samples] == [e["file"] for e in entries]
    for s in samples:
        assert isinstance(s, Sample) and s.title and s.description and "\n" not in s.description
        assert s.path.is_file(), s.path
        if s.kind == "series":
            df = pd.read_csv(s.path)
            assert len(df) > 100 and len(df.columns) >= 1, s.name
        elif s.kind == "labelled":
            data = load_labelled(s.path)
            assert len(data.texts) >= 1000 and len(data.classes) >= 2 and not data.notices
        else:
            text, notices = read_text(s.path)
            assert len(text) > 100 and notices == [], s.name


def test_list_samples_filters_by_kind():
    assert {s.name for s in list_samples("series")} == {"airline_passengers", "noisy_sine",
                                                        "daily_sales", "promo_sales", "stores"}
    assert {s.name for s in list_samples("text")} == {"shakespeare_excerpt", "keras_toy_sentence", "lstm_zh"}
    assert {s.name for s in list_samples("labelled")} == {"hotel_reviews_zh"}
    assert list_samples("no-such-kind") == []


def test_sample_path():
    assert sample_path("airline_passengers") == SAMPLE_DIR / "airline_passengers.csv"
    with pytest.raises(ValueError) as err:
        sample_path("x")
    assert str(err.value) == (
        "There is no sample called 'x'; choose one of: airline_passengers, noisy_sine, daily_sales, "
        "promo_sales, stores, shakespeare_excerpt, keras_toy_sentence, lstm_zh, hotel_reviews_zh."
    )


def test_airline_passengers():
    df = pd.read_csv(sample_path("airline_passengers"))
    assert list(df.columns) == ["month", "passengers"] and len(df) == 144
    if AIRLINE_SOURCE.exists():
        assert sample_path("airline_passengers").read_bytes() == AIRLINE_SOURCE.read_bytes()


@pytest.mark.parametrize("name", ["noisy_sine", "daily_sales", "promo_sales", "stores",
                                  "hotel_reviews"])
def test_generators_rewrite_the_shipped_file_byte_identically(name, tmp_path):
    if name == "hotel_reviews" and not generator(name)["SOURCE"].exists():
        pytest.skip("drawn from ../shared/datasets, which is not beside this checkout")
    make = generator(name)["make"]
    make(tmp_path / "a.csv")
    make(tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() == sample_path(
        "hotel_reviews_zh" if name == "hotel_reviews" else name).read_bytes()


def test_noisy_sine():
    df = pd.read_csv(sample_path("noisy_sine"))
    assert list(df.columns) == ["value"] and len(df) == 1000
    assert df["value"].between(-1.6, 1.6).all()


def test_daily_sales_has_gaps_blanks_and_promo_lift():
    df = pd.read_csv(sample_path("daily_sales"), parse_dates=["date"])
    assert list(df.columns) == ["date", "sales", "promo"]
    full = pd.date_range(df["date"].min(), df["date"].max(), freq="D")
    assert len(full) - len(df) == 10
    assert df["sales"].isna().sum() == 5
    assert set(df["promo"]) == {0, 1}
    assert df.loc[df["promo"] == 1, "sales"].mean() > df.loc[df["promo"] == 0, "sales"].mean()
    christmas = df[df["date"].dt.strftime("%m-%d") == "12-25"]["sales"]
    assert (christmas < 0.1 * df["sales"].median()).all()


def test_promo_sales_has_a_plan_after_its_last_sale_and_closes_on_german_holidays():
    df = pd.read_csv(sample_path("promo_sales"), parse_dates=["date"])
    assert list(df.columns) == ["date", "promo", "sales"] and len(df) == 728 + 28
    assert df["sales"].iloc[:728].notna().all() and df["sales"].iloc[728:].isna().all()
    assert set(df["promo"]) == {0, 1} and df["promo"].iloc[728:].sum() > 0  # promotions planned
    sales = df.set_index("date")["sales"]
    assert sales["2023-10-03"] < 0.1 * sales.median()  # German Unity Day: closed
    sundays = sales[sales.index.dayofweek == 6]
    lifted = df.loc[df["promo"] == 1, "sales"].mean() / df.loc[df["promo"] == 0, "sales"].mean()
    assert lifted > 1.3 and sundays.median() < 0.5 * sales.median()
