"""Inside the LSTM in the browser: the airline demo from Home, then the model it trained, opened."""

from __future__ import annotations

import re

from helpers import START_MS, assert_no_traceback, go_to, key_locator, main, open_page, shot
from helpers import run_and_wait, wait_results_drawn
from playwright.sync_api import Page, expect

DEMO_MS = 180_000
RESULTS = "Scores on the test span"


def test_the_airline_demo_then_inside_the_lstm(page: Page, app_server):
    open_page(page, app_server)
    page.get_by_role("button", name="Forecast airline passengers").click()
    page.wait_for_url(re.compile(r"/forecast/?(\?.*)?$"), timeout=START_MS)
    # The demo trains; or, when an earlier test trained it already, offers that run: open it.
    offered = page.get_by_role("button", name=re.compile(r"^Open run [0-9a-f]+$"))
    expect(page.get_by_role("heading", name=RESULTS).or_(offered)).to_be_visible(timeout=DEMO_MS)
    if offered.count():
        run_and_wait(page, offered.click)
    wait_results_drawn(page, RESULTS, timeout=DEMO_MS)
    expect(main(page).get_by_text("Coach", exact=True)).to_be_visible()

    go_to(page, "Inside the LSTM")
    expect(page.get_by_role("heading", name="Inside the LSTM", exact=True)).to_be_visible()
    model = key_locator(page, "in_model").get_by_role("combobox")
    expect(model).to_have_value("The forecast model on the Forecast page")
    # The equations, the input window with what drove the forecast, the step-through with the
    # trained numbers, the heatmaps and the hidden-state features.
    expect(main(page).locator(".katex").first).to_be_visible()
    for heading in ("Its input", "Step through", "Gates and states over time",
                    "Hidden states as features"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(main(page)).to_contain_text("Which past steps drove this forecast")
    expect(main(page)).to_contain_text(re.compile(r"Unit 0 at step [^,]+, computed"))
    expect(page.get_by_role("button", name="Download the hidden states (CSV)")).to_be_visible()
    assert main(page).locator(".js-plotly-plot").count() >= 7  # attribution, 5 maps, PCA
    assert_no_traceback(page)
    shot(page, "inside_01_airline")


def test_another_model_puts_its_own_text_in_the_box(page: Page, app_server, app_home):
    """The box in the browser shows the text the network reads: picking another model puts
    that model's text in it, not only in the page's memory."""
    from lstm_app.runs.recording import record, start_run
    from lstm_app.runs.store import RunStore
    from lstm_app.text.settings import TextConfig

    store = RunStore(app_home)
    config = TextConfig(epochs=1, hidden_size=8, embedding_dim=4, num_layers=1, batch_size=4,
                        seq_len=16, length=20, patience=0)
    texts = {"inside alpha": "abc def ghi jkl " * 40, "inside beta": "春眠不觉晓，处处闻啼鸟。" * 40}
    for name, text in texts.items():
        record(store.home, start_run(store, "text", text, config, name, name + ".txt"), "text",
               text, config)
    open_page(page, app_server, "inside")
    model = key_locator(page, "in_model").get_by_role("combobox")
    box = key_locator(page, "in_snippet").locator("textarea")
    for name in ("inside alpha", "inside beta", "inside alpha"):
        model.click()
        run_and_wait(page, page.get_by_role("option").filter(has_text=name).first.click)
        expect(box).to_have_value(re.compile("^" + re.escape(texts[name][:6])))
    shot(page, "inside_02_text_box_follows_the_model")
