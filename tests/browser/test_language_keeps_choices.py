"""A language switch changes the words, never the data or the settings (a hostile user's
finding, 2026-12-05: Streamlit keeps a radio's or a selectbox's choice as the words it shows,
so after the switch the upload, the sample and a setting's choice fell back to the defaults at
the next click). Screenshot: language_keeps_choices.png."""


from helpers import (assert_no_traceback, choose_own, key_locator, main, open_page,
                     run_and_wait, set_number, shot, upload, wait_for_app)
from conftest import VIEWPORT


def _switch(page, to: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    run_and_wait(page, lambda: sidebar.get_by_text(to, exact=True).click())


def test_an_upload_and_a_chosen_sample_survive_a_language_switch(browser, app_server, tmp_path):
    data = tmp_path / "我的数据.csv"
    data.write_text("日期,销量\n" + "".join(f"2024-01-{d:02d},{d * 3 % 17}\n"
                                            for d in range(1, 31)), encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    try:
        open_page(page, app_server, "forecast?lang=zh")
        choose_own(page, "fc", "我自己的文件")
        upload(page, "fc", str(data))
        page.get_by_text("我的数据.csv").first.wait_for()
        _switch(page, "English")
        set_number(page, "fc_epochs", 7)  # the next click after the switch
        wait_for_app(page)
        text = main(page).inner_text()
        assert "我的数据.csv" in text and "airline_passengers.csv" not in text
        assert "My own file" in key_locator(page, "fc_kind").inner_text()
        shot(page, "language_keeps_choices")
        # A sample chosen in English stays chosen in Chinese.
        run_and_wait(page, lambda: key_locator(page, "fc_kind").get_by_text("A sample").click())
        key_locator(page, "fc_sample").click()  # opens the list: no rerun
        run_and_wait(page, lambda: page.get_by_role("option", name="Daily shop sales").click())
        _switch(page, "简体中文")
        set_number(page, "fc_epochs", 5)
        wait_for_app(page)
        text = main(page).inner_text()
        assert "daily_sales.csv" in text and "airline_passengers.csv" not in text
        assert_no_traceback(page)
    finally:
        context.close()
