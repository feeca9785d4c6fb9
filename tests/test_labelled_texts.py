"""A file of labelled texts given to the forecaster: its labels would be forecast as a series,
so the notice says so and where a classifier is trained."""

import io

import pytest

from lstm_app.samples import sample_path
from lstm_app.series.labelled_texts import labelled_finding
from lstm_app.series.loading import load_series

ADVICE = ("If the file holds texts with their labels, train a classifier on it instead (the "
          "Classify page, or the classify command).")


def _reviews(labels=("1", "0"), extra="") -> bytes:
    rows = "".join(f"the room was quiet and clean {i},{labels[i % len(labels)]}{extra}\n"
                   for i in range(30))
    return ("review,label" + (",price" if extra else "") + "\n" + rows).encode()


def test_texts_labelled_0_and_1_get_the_notice_naming_both_columns():
    series = load_series(io.BytesIO(_reviews()), name="reviews.csv")
    said = [n for n in series.notices if n.endswith(ADVICE)]
    assert said == ["The column 'review' holds texts and 'label' only 2 different values. "
                    + ADVICE]
    assert labelled_finding(series.notices) == ("The column 'review' holds texts and 'label' "
                                                "only 2 different values.")


def test_one_label_is_said_in_the_singular():
    series = load_series(io.BytesIO(_reviews(labels=("3",))), name="reviews.csv")
    assert labelled_finding(series.notices) == ("The column 'review' holds texts and 'label' "
                                                "only 1 value.")


def test_chinese_reviews_with_numeric_labels_get_it():
    text = sample_path("hotel_reviews_zh").read_text(encoding="utf-8")
    numeric = text.replace(",positive", ",1").replace(",negative", ",0")
    series = load_series(io.BytesIO(numeric.encode("utf-8")), name="reviews.csv")
    assert labelled_finding(series.notices).startswith("The column 'review' holds texts")


def test_the_notice_stands_when_the_page_names_the_column():
    """The Forecast page passes its picker's column: the notice is said all the same."""
    series = load_series(io.BytesIO(_reviews()), value_col="label")
    assert labelled_finding(series.notices) is not None


@pytest.mark.parametrize("case", ["many values", "fractions", "dated", "short codes"])
def test_files_that_are_series_do_not_get_it(case):
    if case == "many values":
        series = load_series(io.BytesIO(_reviews(labels=[str(i) for i in range(30)])))
    elif case == "fractions":
        series = load_series(io.BytesIO(_reviews(labels=("1.5", "0"))))
    elif case == "dated":
        rows = "".join(f"2024-01-{i + 1:02d},the room was quiet and clean {i},{i % 2}\n"
                       for i in range(28))
        series = load_series(io.BytesIO(("date,review,label\n" + rows).encode()))
    else:
        rows = "".join(f"SKU{i % 3},{i % 2}\n" for i in range(30))
        series = load_series(io.BytesIO(("code,label\n" + rows).encode()))
    assert labelled_finding(series.notices) is None


@pytest.mark.parametrize("name", ["airline_passengers", "noisy_sine", "daily_sales",
                                  "promo_sales"])
def test_the_series_samples_do_not_get_it(name):
    assert labelled_finding(load_series(sample_path(name)).notices) is None
