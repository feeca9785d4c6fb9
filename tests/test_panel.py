"""load_panel: files of many series, long and wide, pinned against worked examples."""

import numpy as np
import pandas as pd
import pytest

import lstm_app.series.panel as panel_module
from lstm_app.i18n import speaking
from lstm_app.series.loading import load_series
from lstm_app.series.time_column import NO_TIME_COLUMN
from lstm_app.csv_table import MAX_COLUMNS
from lstm_app.series.panel import NO_IDS, load_panel, propose_ids, propose_layout

DAYS = pd.date_range("2024-01-01", periods=30, freq="D")


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def long_rows(stores, products=("Milk",), first=0, last=30, skip=()):
    """One row per store, product and day; ``first``/``last`` may be a dict per store."""
    rows = []
    for s, store in enumerate(stores):
        for p, product in enumerate(products):
            start = first.get(store, 0) if isinstance(first, dict) else first
            end = last.get(store, 30) if isinstance(last, dict) else last
            for d in range(start, end):
                if (store, product, d) not in skip:
                    rows.append({"date": f"{DAYS[d]:%Y-%m-%d}", "store": store, "product": product,
                                 "sales": 100 * (s + 1) + 10 * p + d, "promo": d % 2})
    return pd.DataFrame(rows)


def series_values(panel, i) -> list[float]:
    return panel.series(i).frame[panel.value_col].tolist()


def test_each_series_keeps_its_cells_in_the_id_columns_beside_its_joined_id():
    """Each series' cells, by id column (a blank one None), in the panel's order; a download's
    rows get each id column beside "id" where several name the series; "id" alone where one
    does, or the cells are not known (a run saved before they were kept)."""
    from dataclasses import replace
    from lstm_app.series.panel_future import with_id_columns
    rows = long_rows(["Berlin", None], ("Milk", "Bread"))
    panel = load_panel(csv(rows.rename(columns={"product": "time"})), id_cols=["store", "time"],
                       time_col="date")
    assert panel.ids == ("Berlin · Milk", "Berlin · Bread", "(blank) · Milk", "(blank) · Bread")
    assert panel.id_cells == (("Berlin", "Milk"), ("Berlin", "Bread"), (None, "Milk"),
                              (None, "Bread"))
    assert panel.subset(np.array([False, True, True, False])).id_cells == (
        ("Berlin", "Bread"), (None, "Milk"))
    frame = pd.DataFrame({"id": ["(blank) · Milk", "Berlin · Bread"], "time": [1, 2]})
    named = with_id_columns(frame, panel)
    assert list(named.columns) == ["id", "store", "time"]  # a name taken keeps its column
    assert pd.isna(named["store"].iloc[0]) and named["store"].iloc[1] == "Berlin"  # (blank)
    assert named["time"].tolist() == [1, 2]
    assert with_id_columns(frame, replace(panel, id_cells=())) is frame
    alone = load_panel(csv(long_rows(["Berlin", "Paris"])), id_cols=["store"])
    assert alone.id_cells == (("Berlin",), ("Paris",))
    assert with_id_columns(frame.assign(id=["Berlin", "Paris"]), alone).columns.tolist() == [
        "id", "time"]


def test_a_long_file_with_two_id_columns_becomes_one_series_per_pair():
    stores = ["Berlin", "Paris, FR", 'Say "cheese"', "北京"]
    data = csv(long_rows(stores, ("Milk", "Bread")))
    panel = load_panel(data)
    assert panel.id_cols == ("store", "product") and panel.layout == "long"
    assert panel.ids == tuple(f"{s} · {p}" for s in stores for p in ("Milk", "Bread"))
    assert panel.value_col == "sales" and panel.covariates == ()
    assert panel.freq == "D" and panel.season_length == 7 and panel.notices == ()
    assert list(panel.lengths) == [30] * 8 and panel.values.shape == (240, 1)
    assert series_values(panel, 3) == [210.0 + d for d in range(30)]  # Paris, FR · Bread
    assert panel.series(3).frame.index.equals(pd.DatetimeIndex(DAYS, name="date", freq="D"))


def test_late_starts_early_ends_gaps_and_duplicates_keep_each_series_its_own_span():
    rows = long_rows(["a", "b", "c"], first={"b": 5}, last={"c": 20}, skip={("a", "Milk", 10)})
    rows = pd.concat([rows, rows[(rows.store == "c") & (rows.date == "2024-01-03")]
                      .assign(sales=1000)])  # a second row for c on 3 January
    panel = load_panel(csv(rows), covariates=["promo"])
    assert list(panel.lengths) == [30, 25, 20]
    b, c = panel.series(1), panel.series(2)
    assert b.frame.index[0] == DAYS[5] and c.frame.index[-1] == DAYS[19]
    assert series_values(panel, 0)[10] == series_values(panel, 0)[9] == 109.0  # from the past
    assert c.frame["sales"].iloc[2] == (302 + 1000) / 2
    assert panel.notices == (
        "1 duplicate timestamp was found; rows with the same series and time were averaged "
        "into one.",
        "1 date was missing from the series' daily grids and was added. It is in 'a', on "
        "2024-01-11.",
        "1 missing value in 'sales' was filled with the previous value of the same series "
        "(never from the future). It is in 'a', on 2024-01-11.",
        "1 missing value in 'promo' was filled with the previous value of the same series "
        "(never from the future). It is in 'a', on 2024-01-11.")  # where, to be found


def test_a_week_missing_from_one_series_is_said_where_it_is():
    rows = long_rows(["a", "b"], skip={("b", "Milk", d) for d in range(12, 19)} | {("a", "Milk", 3)})
    panel = load_panel(csv(rows), covariates=["promo"])
    assert panel.notices[:2] == (
        "8 dates were missing from the series' daily grids and were added. The longest stretch, "
        "7 in a row, is in 'b', between 2024-01-13 and 2024-01-19.",
        "8 missing values in 'sales' were filled with the previous value of the same series "
        "(never from the future). The longest stretch, 7 in a row, is in 'b', between "
        "2024-01-13 and 2024-01-19.")  # the week, not the stray day in 'a' with it
    months = "month,shop,sales\n" + "".join(
        f"2023-{m:02d}-01,{s},{m}\n" for s in "xy" for m in range(1, 13) if (s, m) != ("y", 4))
    assert any(n.endswith("It is in 'y', on Apr 2023.")  # as a monthly file's dates are written
               for n in load_panel(months.encode(), id_cols=["shop"]).notices)
    with speaking("zh"):
        said = load_panel(csv(rows), covariates=["promo"]).notices
    assert ("最长的一段连续 7 个，位于 'b'，在 2024年1月13日 到 2024年1月19日 之间。") in said[1], said


def test_each_series_of_a_panel_is_what_load_series_makes_of_it_alone():
    rng = np.random.default_rng(3)
    rows = long_rows(["north", "south", "east"], ("x", "y"), first={"south": 4},
                     last={"east": 26}, skip={("north", "y", 7), ("east", "x", 12)})
    rows["sales"] = (rows["sales"] + rng.normal(0, 5, len(rows))).round(2)
    panel = load_panel(csv(rows), covariates=["promo"])
    for i, name in enumerate(panel.ids):
        store, product = name.split(" · ")
        alone = rows[(rows.store == store) & (rows["product"] == product)]
        single = load_series(csv(alone.drop(columns=["store", "product"])), value_col="sales",
                             covariates=["promo"])
        mine = panel.series(i).frame
        pd.testing.assert_frame_equal(mine, single.frame, check_freq=False)


def test_a_wide_file_makes_each_numeric_column_a_series():
    frame = pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"),
                          "Berlin": [f"${1000 + d:,}" for d in range(30)],
                          "Paris": [None] * 5 + [str(d) for d in range(25)],
                          "Rome": [str(d) for d in range(20)] + [None] * 10,
                          "Oslo": ["oops" if d == 7 else str(d) for d in range(30)]})
    panel = load_panel(csv(frame), layout="wide")
    assert panel.ids == ("Berlin", "Paris", "Rome", "Oslo") and panel.id_cols == ()
    assert list(panel.lengths) == [30, 25, 20, 30]
    assert panel.series(1).frame.index[0] == DAYS[5] and panel.series(2).frame.index[-1] == DAYS[19]
    assert series_values(panel, 0)[:2] == [1000.0, 1001.0]
    assert series_values(panel, 3)[7] == 6.0  # the text cell, filled from the day before
    assert panel.notices == (
        "Currency signs were removed in 1 of the 4 columns (for example '$1,000' in 'Berlin' is "
        "read as 1000).",
        "Thousands separators were removed in 1 of the 4 columns (for example '$1,000' in "
        "'Berlin' is read as 1000).",
        "1 cell in 1 of the 4 columns held text instead of a number and was treated as missing "
        "(for example 'oops' in 'Oslo').",
        "1 missing value in the series was filled with the previous value of the same series "
        "(never from the future). It is in 'Oslo', on 2024-01-08.")
    # a column without a value is said, as a long file's series without one is
    blank = load_panel(csv(frame.assign(Kyiv=None)), layout="wide")
    assert blank.ids == panel.ids
    assert blank.notices[0] == "1 series without any value was left out: 'Kyiv'."


def test_the_layout_proposed_is_long_with_ids_wide_with_more_columns_than_one_series_reads():
    assert propose_layout(csv(long_rows(["a", "b"]))).layout == "long"
    few = pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "sales": range(30), "price": 2.5})
    assert propose_layout(csv(few)).layout == "one"
    rng = np.random.default_rng(0)
    many = pd.DataFrame(rng.normal(size=(30, MAX_COLUMNS)).round(3),
                        columns=[f"meter {i}" for i in range(MAX_COLUMNS)])
    many.insert(0, "date", DAYS.strftime("%Y-%m-%d"))
    proposal = propose_layout(csv(many))
    assert proposal.layout == "wide" and proposal.time_col == "date"
    panel = load_panel(csv(many), layout="wide")
    assert panel.n_series == MAX_COLUMNS and panel.freq == "D"
    assert panel.ids[499] == "meter 499"
    np.testing.assert_array_equal(panel.series(499).frame.iloc[:, 0], many["meter 499"])
    with pytest.raises(ValueError, match=f"has {MAX_COLUMNS + 1:,} columns"):
        load_series(csv(many))  # one series reads at most MAX_COLUMNS: why wide is proposed


def test_ids_are_proposed_from_the_columns_that_name_series():
    rows = long_rows(["a", "b", "c"], ("x", "y"))
    assert propose_ids(rows.astype(str), "date") == ["store", "product"]
    milk = rows[rows["product"] == "x"].drop(columns="product")
    region = milk.assign(region=milk.store.map({"a": "N", "b": "N", "c": "S"}))
    assert propose_ids(region.astype(str), "date") == ["store"]  # a region holds several
    numbered = rows[rows["product"] == "x"].assign(store_id=lambda r: r.store.map(
        {"a": "101", "b": "102", "c": "103"})).drop(columns=["store", "product"])
    assert propose_ids(numbered.astype(str), "date") == ["store_id"]  # whole numbers, named so
    single = pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "sales": range(30),
                           "weekday": DAYS.day_name()})
    assert propose_ids(single.astype(str), "date") == []  # one row per date: no panel
    with pytest.raises(ValueError, match=f"^{NO_IDS[:40]}"):
        load_panel(csv(single))


def test_a_store_whose_id_was_left_blank_is_one_more_series_and_said():
    rows = long_rows(["a", "b", "c", "d"])
    rows.loc[rows.store == "d", "store"] = None  # a fifth of the rows: no store
    proposed = propose_ids(rows.astype(str).replace("None", np.nan), "date")
    assert proposed == ["store"]  # not one series averaged over every store
    panel = load_panel(csv(rows))
    assert panel.ids == ("a", "b", "c", "(blank)")
    assert ("30 rows have no 'store'; they are read as a series of their own, named "
            "'(blank)'.") in panel.notices
    mostly_blank = rows.assign(store=rows.store.where(rows.date < rows.date.iloc[8]))
    assert propose_ids(mostly_blank.astype(str).replace("None", np.nan), "date") == []


def test_ids_can_be_chosen_and_a_wrong_choice_is_refused_in_a_sentence():
    data = csv(long_rows(["a", "b"], ("x", "y")))
    assert load_panel(data, id_cols=["store"], covariates=["promo"]).ids == ("a", "b")
    with pytest.raises(ValueError, match=r"^The id column 'shop' is not in this file; choose "
                                         r"from: 'date', 'store', 'product', 'sales', 'promo'\.$"):
        load_panel(data, id_cols=["shop"])


def test_one_series_only_and_a_series_without_values_are_said():
    rows = long_rows(["a", "b"])
    rows.loc[rows.store == "b", "sales"] = None
    panel = load_panel(csv(rows), id_cols=["store"])
    assert panel.ids == ("a",)
    assert "1 series without any value was left out: 'b'." in panel.notices
    assert "The file holds one series only ('a')." in panel.notices


def test_row_order_within_each_series_without_a_time_column():
    rows = long_rows(["a", "b"], last={"b": 12}).drop(columns=["date", "product"])
    panel = load_panel(csv(rows), id_cols=["store"], time_col=NO_TIME_COLUMN)
    assert panel.freq is None and list(panel.lengths) == [30, 12]
    assert panel.series(1).frame.index.equals(pd.RangeIndex(12, name="step"))
    assert series_values(panel, 1) == [200.0 + d for d in range(12)]


def test_too_many_series_or_rows_are_refused_naming_the_cap(monkeypatch):
    data = csv(long_rows([f"s{i}" for i in range(6)]))
    monkeypatch.setattr(panel_module, "MAX_SERIES", 5)
    with pytest.raises(ValueError, match=r"^The file holds 6 series; at most 5 are read\."):
        load_panel(data, id_cols=["store"])
    monkeypatch.setattr(panel_module, "MAX_SERIES", 10_000)
    monkeypatch.setattr(panel_module, "MAX_PANEL_ROWS", 100)
    with pytest.raises(ValueError, match=r"^The file has 180 rows; at most 100 are read"):
        load_panel(data, id_cols=["store"])
    far = long_rows(["a", "b"], first=0, last=2)
    far.loc[far.index[-1], "date"] = "2024-03-31"  # b's grid reaches across three months
    monkeypatch.setattr(panel_module, "MAX_PANEL_ROWS", 60)
    with pytest.raises(ValueError, match=r"^On their regular daily grids the series would "
                                         r"hold 93 rows; at most 60 are read\."):
        load_panel(csv(far), id_cols=["store"])


def test_hostile_ids_stay_text():
    names = ["=cmd|' /C calc'!A0", "![x](https://evil.example/x.png)", "line\nbreak"]
    panel = load_panel(csv(long_rows(names)), id_cols=["store"])
    assert panel.ids == tuple(names)


def test_a_series_whose_dates_are_all_unreadable_is_left_out_by_name():
    rows = long_rows(["x", "y"])
    rows.loc[rows.store == "y", "date"] = "garbage"
    panel = load_panel(csv(rows), id_cols=["store"])
    assert panel.ids == ("x",)
    assert "1 series without any value was left out: 'y'." in panel.notices


def test_rows_whose_date_is_unreadable_are_counted_once_and_what_they_hold_is_said():
    wide = "date,A,B,C\n" + "".join(f"2024-01-{d:02d},{d},{d + 1},{d + 2}\n"
                                     for d in range(1, 29)) + "合计,406,434,462\n"
    said = "1 totals row ('合计') was dropped: it sums other rows, it is not a value of the series."
    assert said in load_panel(wide.encode(), layout="wide").notices  # it said 3 rows (A, B, C)
    long = "store,date,sales\n" + "".join(f"{s},2024-01-{d:02d},{d}\n" for s in "AB"
                                           for d in range(1, 29)) + "A,合计,406\n"
    assert said in load_panel(long.encode(), id_cols=["store"]).notices


def test_a_covariate_blank_for_one_series_leaves_out_that_series_by_name():
    rows = long_rows(["x", "y"]).astype({"promo": float})
    rows.loc[rows.store == "x", "promo"] = None
    panel = load_panel(csv(rows), id_cols=["store"], covariates=["promo"])
    assert panel.ids == ("y",)
    assert "1 series without any value in 'promo' was left out: 'x'." in panel.notices


def test_two_columns_named_alike_but_for_spaces_are_both_kept():
    data = b"store ,store,date,sales\n" + b"".join(
        f"a,{s},2024-01-{d:02d},{d}\n".encode() for s in "bc" for d in range(1, 29))
    panel = load_panel(data, id_cols=["store (2)"])
    assert panel.ids == ("b", "c")
    assert "Two columns are both named 'store'; the later one is read as 'store (2)'." in \
        panel.notices
    # a space before a name, which the reader drops, repeats it too: named as the others are
    spaced = data.replace(b"store ,store,", b"store ,store, store,").replace(b",2024", b",z,2024")
    panel = load_panel(spaced, id_cols=["store (2)", "store (3)"])
    assert panel.ids == ("b · z", "c · z")
    assert "3 columns are named 'store'; the later ones are read as 'store (2)', 'store (3)'." \
        in panel.notices


def test_a_series_sparser_than_the_files_grid_is_named():
    days = pd.date_range("2024-01-01", periods=140, freq="D")
    rows = [{"date": f"{d:%Y-%m-%d}", "shop": shop, "sales": i + k % 7}
            for i, shop in enumerate(["a", "b", "weekly, only"]) for k, d in enumerate(days)
            if shop != "weekly, only" or k % 7 == 0]
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), id_cols=["shop"])
    assert panel.freq == "D"
    sparse = [n for n in panel.notices if "only about every" in n]
    assert sparse == ["1 series has a value only about every 7 steps of this daily file: "
                      "'weekly, only'. Its missing steps are filled from the past, so it looks "
                      "like stairs to the model; put it in a file of its own to forecast it at "
                      "its own frequency."]
    dense = load_panel(pd.DataFrame([r for r in rows if r["shop"] != "weekly, only"])
                       .to_csv(index=False).encode(), id_cols=["shop"])
    assert not any("only about every" in n for n in dense.notices)


def test_id_combinations_that_join_alike_stay_separate_series():
    days = pd.date_range("2024-01-01", periods=30, freq="D")
    combos = [("x · y", "z", 10.0), ("x", "y · z", 1000.0), (None, "q", 5.0), ("(blank)", "q", 7.0)]
    rows = [{"date": f"{d:%Y-%m-%d}", "a": a, "b": b, "v": v} for a, b, v in combos for d in days]
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), id_cols=["a", "b"])
    assert panel.ids == ("x · y · z", "x · y · z (2)", "(blank) · q", "(blank) · q (2)")
    firsts = panel.values[panel.starts[:-1], 0].tolist()
    assert firsts == [10.0, 1000.0, 5.0, 7.0]  # never averaged together
    assert not any("duplicate" in n for n in panel.notices)


def test_rows_after_each_series_last_value_are_kept_as_its_plan():
    rows = long_rows(["a", "b"])
    plan = rows.groupby("store").tail(3).copy()
    plan["date"] = pd.to_datetime(plan["date"]) + pd.Timedelta(days=3)
    plan["sales"] = np.nan
    plan["promo"] = [1, 0, 1, 0, 0, 1]
    plan.iloc[4, plan.columns.get_loc("promo")] = np.nan  # a blank in b's plan stays blank
    data = csv(pd.concat([rows, plan.assign(date=plan["date"].dt.strftime("%Y-%m-%d"))]))
    panel = load_panel(data, id_cols=["store"], covariates=["promo"])
    assert list(panel.lengths) == [30, 30]
    assert ("6 rows after the last value of their series have no value in 'sales', so they are "
            "not part of the series; their other cells are kept as the planned values of the "
            "inputs known ahead.") in panel.notices
    assert panel.plan["series"].tolist() == [0, 0, 0, 1, 1, 1]
    assert panel.plan["step"].tolist() == [1, 2, 3] * 2
    assert panel.plan["promo"].tolist()[:4] == [1, 0, 1, 0] and np.isnan(panel.plan["promo"][4])
    # a series left out takes its plan with it; the others are numbered anew
    assert panel.subset(np.array([False, True])).plan["series"].tolist() == [0, 0, 0]
    # without covariates, such rows are left out, and said to be
    alone = load_panel(data, id_cols=["store"], covariates=[], value_col="sales")
    assert alone.plan is None and any("rows after the last value of their series have no "
                                      "value in 'sales'" in n and "left out" in n
                                      for n in alone.notices)


def test_an_empty_row_of_a_wide_file_without_dates_is_a_step_of_every_series():
    rows = [f"{10 + i % 7},{20 + i % 5}" for i in range(40)]
    raw = ("a,b\n" + "\n".join(rows[:20] + [",", ""] + rows[20:]) + "\n,\n\n").encode()
    panel = load_panel(raw, layout="wide")
    assert panel.lengths.tolist() == [42, 42]  # the two empty rows inside; none after the last
    assert ("4 missing values in the series were filled with the previous value of the same "
            "series (never from the future). The longest stretch, 2 in a row, is in 'a', between "
            "step 21 and step 22.") in panel.notices  # the two empty rows (each series has one of them)
    dated = "day,a,b\n" + "".join(f"2024-01-{d + 1:02d},{r}\n" for d, r in enumerate(rows[:20]))
    assert load_panel((dated + ",,\n" + dated.split("\n", 1)[1].replace("2024-01", "2024-02"))
                      .encode(), layout="wide").lengths.tolist() == [51, 51]  # dates: no step
