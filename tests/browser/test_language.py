"""The language (issue 17) in a real browser: a browser that prefers Chinese opens the app in
Chinese, the sidebar's switch changes it and writes it into the address, and ?lang= opens a
page in the language it names. Screenshots: language_01_home_zh.png, language_02_home_en.png."""

from helpers import main, open_page, run_and_wait, shot, wait_for_app, assert_no_traceback
from conftest import VIEWPORT


def test_a_chinese_browser_gets_chinese_and_the_switch_changes_it(browser, app_server):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    try:
        open_page(page, app_server)
        assert "一键试用" in main(page).inner_text()
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("简体中文", exact=True).wait_for(timeout=30_000)  # drawn after the links
        assert "首页" in sidebar.inner_text() and "语言" in sidebar.inner_text()
        shot(page, "language_01_home_zh")
        run_and_wait(page, lambda: sidebar.get_by_text("English", exact=True).click())
        assert "Try it in one click" in main(page).inner_text()
        assert "lang=en" in page.url
        shot(page, "language_02_home_en")
        page.goto(f"{app_server}/forecast?lang=zh")
        wait_for_app(page)
        assert "预测" in sidebar.inner_text()
        assert_no_traceback(page)
    finally:
        context.close()


def test_the_chinese_text_demo_trains_in_chinese(browser, app_server):
    """Home's Chinese demo from a Chinese browser: the Chinese article trains on the Text page,
    whose words are Chinese (screenshot language_03_text_zh.png, after the training)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    try:
        open_page(page, app_server)
        run_and_wait(page, lambda: page.get_by_role("button", name="学写一篇中文文章").click())
        heading = page.get_by_role("heading", name="训练结束时的样例")
        heading.wait_for(timeout=240_000)
        page.get_by_role("button", name="下载报告（JSON）").wait_for(timeout=60_000)
        wait_for_app(page)
        text = main(page).inner_text()
        assert "验证损失" in text and "温度探索" in text and "继续训练" in text
        assert_no_traceback(page)
        shot(page, "language_03_text_zh")
    finally:
        context.close()
