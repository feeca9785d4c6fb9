""""More settings" stays open while it is used: a choice there that takes away or brings back a
notice or chart above it (here the known-ahead inputs of a file of many series: once the promotions are known
ahead, the notice on the rows after each series' last value goes) folded the section shut after each pick, so each
further choice meant opening it again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from helpers import assert_no_traceback, choose_own, key_locator, main, open_task_page
from helpers import pick_option, quiet, reveal, run_and_wait, shot, upload
from playwright.sync_api import Page, expect

FC = "fc"
PROMO = "promo"
UNREAD = "if they hold the planned values of another column"  # said until a column is known


def shops_with_a_plan(path: Path) -> Path:
    """Three shops' daily sales over a year, each with two weeks of planned promotions after
    its last sale (sales blank, promo filled)."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-01-01", periods=380, freq="D")
    frames = []
    for shop in ("north", "south", "east"):
        promo = (rng.random(len(days)) < 0.2).astype(int)
        sales = 100 + 40 * promo + 10 * np.sin(np.arange(len(days)) * 2 * np.pi / 7)
        sales = sales + rng.normal(0, 3, len(days))
        sales[-14:] = np.nan
        frames.append(pd.DataFrame({"shop": shop, "date": days, "promo": promo, "sales": sales}))
    pd.concat(frames).to_csv(path, index=False)
    return path


def test_more_settings_stays_open_while_known_inputs_are_picked(page: Page, app_server,
                                                                 tmp_path):
    open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
    choose_own(page, FC, "My own file")
    upload(page, FC, str(shops_with_a_plan(tmp_path / "shops.csv")))
    expect(main(page)).to_contain_text(UNREAD)
    known = key_locator(page, "fc_known_covariates")
    reveal(page, known)  # opens "More settings"
    more = main(page).get_by_test_id("stExpander").filter(has=known).locator("details")
    pick_option(page, known.get_by_role("combobox"), PROMO)
    page.keyboard.press("Escape")
    expect(main(page)).not_to_contain_text(UNREAD)  # the notice above it went
    expect(known).to_contain_text(PROMO)
    expect(more).to_have_attribute("open", "")
    expect(known).to_be_visible()
    quiet(page)
    shot(page, "more_settings_open_after_a_pick")
    # Taken out again (the chip's own remove button): the notice is back, the section open.
    run_and_wait(page, lambda: known.get_by_role("button", name=f"Remove {PROMO}").first.click())
    expect(main(page)).to_contain_text(UNREAD)
    expect(more).to_have_attribute("open", "")
    expect(known).to_be_visible()
    assert_no_traceback(page)
