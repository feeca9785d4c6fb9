"""Every page in Chinese in a real browser after a training (issue 17), with screenshots to
look at for text cut off, overlapping or drawn as boxes (tests/screenshots/language_1*.png):
the Forecast page with one series and with a panel of shops, Classify, Inside the LSTM on the
last run, and Runs with that run selected. The browser prefers Chinese (zh-CN); nothing here
clicks by English words, and each page must show Chinese and no traceback."""

import re

from conftest import VIEWPORT
from helpers import (START_MS, assert_no_traceback, click_train, key_locator, main, open_page,
                     run_and_wait, settings, shot, upload, wait_for_app)

RESULT_MS = 300_000
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def shops_csv() -> bytes:
    rows = ["date,shop,sales"]
    for s, shop in enumerate(("北京店", "上海店", "广州店")):
        for d in range(1, 91):
            rows.append(f"2024-{1 + (d - 1) // 30:02d}-{1 + (d - 1) % 30:02d},{shop},"
                        f"{40 + 10 * s + 8 * (d % 7 >= 5) + d % 5}")
    return "\n".join(rows).encode()


def trained(page, prefix: str) -> None:
    """Train, then wait until "Train more" (继续训练) stands under the results."""
    click_train(page, prefix)
    page.get_by_role("heading", name="继续训练").wait_for(timeout=RESULT_MS)
    wait_for_app(page, timeout=RESULT_MS)
    page.get_by_test_id("stProgress").wait_for(state="detached", timeout=RESULT_MS)


def looks_chinese(page, name: str) -> None:
    text = main(page).inner_text()
    assert len(CHINESE.findall(text)) > 20, text[:500]
    assert_no_traceback(page)
    shot(page, name)


def test_each_page_in_chinese_after_a_training(browser, app_server):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    try:
        open_page(page, app_server, "forecast")
        settings(page, fc_hidden_size=8, fc_num_layers=1, fc_epochs=3)
        trained(page, "fc")
        looks_chinese(page, "language_10_forecast_zh")

        run_and_wait(page, lambda: key_locator(page, "fc_kind").locator('[role="radiogroup"] label').nth(1).click())
        upload(page, "fc", {"name": "门店销售.csv", "mimeType": "text/csv",
                            "buffer": shops_csv()})
        trained(page, "fc")
        looks_chinese(page, "language_11_panel_zh")

        open_page(page, app_server, "classify")
        settings(page, cl_hidden_size=8, cl_embedding_dim=8, cl_epochs=2)
        trained(page, "cl")
        looks_chinese(page, "language_12_classify_zh")

        open_page(page, app_server, "inside")
        looks_chinese(page, "language_13_inside_zh")

        open_page(page, app_server, "runs")
        grid = key_locator(page, "runs_table").locator("canvas").first
        grid.wait_for(timeout=START_MS)
        box = grid.bounding_box()
        run_and_wait(page, lambda: page.mouse.click(box["x"] + 20, box["y"] + 35 * 1.5))
        page.get_by_test_id("stPlotlyChart").first.wait_for(timeout=START_MS)  # its curves
        looks_chinese(page, "language_14_runs_zh")
    finally:
        context.close()
