"""Team mode (sign-in configured) on the real pages, with AppTest's signed-in user: who sees
which runs, who may change them, sharing. The real sign-in against an OpenID Connect provider
is tests/browser/test_team.py."""

import pytest

from tests.test_app_runs import FORECAST, RUNS, ok, recorded_forecast, select, shown, table

INSIDE = "pages/inside.py"

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "lstm-studio", "client_secret": "s3cret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ALICE, BOB = "alice@example.test", "bob@example.test"


@pytest.fixture
def store(app_store):
    return app_store


@pytest.fixture
def team(store, apps):
    """AppTests of the app in team mode, signed in as ``who`` (None: not signed in)."""
    def make(who: str | None, page: str | None = RUNS, **query) -> object:
        at = apps(page)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": who is not None, **({"email": who} if who else {})}
        for key, value in query.items():
            at.query_params[key] = value
        return ok(at.run())
    return make


@pytest.fixture
def two_runs(store):
    """Alice's run and Bob's run, recorded (so that they open)."""
    alice, _ = recorded_forecast(store, epochs=1)
    bob, _ = recorded_forecast(store, epochs=1)
    with store._db() as db:
        db.execute("UPDATE runs SET owner = ?, name = 'alices' WHERE id = ?", (ALICE, alice))
        db.execute("UPDATE runs SET owner = ?, name = 'bobs' WHERE id = ?", (BOB, bob))
    return alice, bob


def test_a_visitor_not_signed_in_sees_only_the_sign_in(team, two_runs):
    at = team(None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and "Runs" not in [t.value for t in at.title]


def test_each_person_sees_only_their_runs(team, two_runs):
    alice, bob = two_runs
    assert list(table(team(ALICE))["name"]) == ["alices"]
    assert list(table(team(BOB))["name"]) == ["bobs"]


def test_an_unshared_runs_link_is_refused_and_a_shared_link_opens(team, store, two_runs):
    alice, bob = two_runs
    at = team(ALICE, FORECAST, run=bob)
    assert [shown(w.value) for w in at.warning] == [
        "The address names a forecast run that is not saved here or not shared with you; it "
        "may have been deleted. The Runs page lists the runs you can open."]
    token = store.share_link(bob)
    at = team(ALICE, FORECAST, run=bob, share=token)
    assert any("Viewing saved run" in i.value for i in at.info), [i.value for i in at.info]
    at = team(ALICE, FORECAST, run=bob, share=token[:-2] + "xx")  # a guessed token
    assert at.warning and not any("Viewing saved run" in i.value for i in at.info)


def test_the_owner_shares_with_everyone_and_others_may_only_open(team, store, two_runs):
    alice, bob = two_runs
    at = select(team(BOB), 0)
    assert at.toggle(key=f"runs_share_{bob}").value is False
    ok(at.toggle(key=f"runs_share_{bob}").set_value(True).run())
    assert store.get(bob).shared
    ok(at.button(key="runs_make_link").click().run())
    token = store.get(bob).share_token
    assert token and any(token in c.value for c in at.code)

    at = team(ALICE)
    assert sorted(table(at)["name"]) == ["alices", "bobs"]
    row = list(table(at)["name"]).index("bobs")
    at = select(at, row)
    assert any(c.value.startswith("Shared with you") for c in at.caption)
    assert not [b for b in at.button if b.key == "runs_delete"]
    assert f"runs_share_{bob}" not in [t.key for t in at.toggle]


def test_a_second_tab_showing_an_old_share_never_writes_it_back(team, store, two_runs):
    alice, bob = two_runs
    first = select(team(BOB), 0)
    ok(first.toggle(key=f"runs_share_{bob}").set_value(True).run())
    second = select(team(BOB), 0)  # another tab: shows it shared
    assert second.toggle(key=f"runs_share_{bob}").value is True
    ok(first.toggle(key=f"runs_share_{bob}").set_value(False).run())  # unshared in the first
    assert not store.get(bob).shared
    ok(second.toggle(key="runs_log").set_value(True).run())  # anything at all in the second
    assert not store.get(bob).shared  # still unshared: Alice does not see it
    assert list(table(team(ALICE))["name"]) == ["alices"]
    assert second.toggle(key=f"runs_share_{bob}").value is False  # the second shows it now


def test_a_training_belongs_to_whoever_trained_it(team, store):
    from tests.test_app import small_model, train

    at = team(ALICE, FORECAST)
    small_model(at, epochs=1)
    train(at)
    [run] = store.list()
    assert run.owner == ALICE


def test_a_share_link_opens_the_run_inside_the_lstm_too(team, store, two_runs):
    """A link to Inside (the page's address with the run's token) opens the run there, as it
    does on its task's page; it was refused, the token never read."""
    alice, bob = two_runs
    at = team(ALICE, INSIDE, run=bob)
    assert [shown(w.value) for w in at.warning] == [
        "The address names a run that is not saved here or not shared with you; it may have "
        "been deleted. Choose a model below."]
    at = team(ALICE, INSIDE, run=bob, share=store.share_link(bob))
    assert not at.warning, [w.value for w in at.warning]
    assert at.selectbox[0].value == f"Saved run {bob}"
    assert at.query_params["run"] == bob


def test_a_run_opened_through_its_link_opens_again_from_the_runs_page(team, store, two_runs):
    alice, bob = two_runs
    token = store.share_link(bob)
    at = team(ALICE, FORECAST, run=bob, share=token)
    at.switch_page(RUNS)
    at = select(ok(at.run()), list(table(ok(at.run()))["name"]).index("bobs"))
    [link] = [p for p in at.get("page_link") if p.value == "Open it"]
    assert link.proto.query_string == f"run={bob}&open=1&share={token}"
    # and an address that has lost the token still opens it in this session
    at.query_params.clear()
    at.query_params["run"] = bob
    at.switch_page(FORECAST)
    at = ok(at.run())
    assert any("Viewing saved run" in i.value for i in at.info), [w.value for w in at.warning]


def test_a_withdrawn_link_closes_the_run_in_the_session_that_opened_it(team, store, two_runs):
    alice, bob = two_runs
    token = store.share_link(bob)
    at = team(ALICE, FORECAST, run=bob, share=token)
    assert any("Viewing saved run" in i.value for i in at.info)
    store.unshare_link(bob)  # Bob withdraws the link while Alice has the run open
    at.switch_page(INSIDE)
    at = ok(at.run())
    assert [shown(w.value) for w in at.warning][:1] == [
        f"Run bobs ({bob}) is no longer shared with you, so it was closed."]
    assert "fc_job" not in at.session_state  # nothing left to look into or train more
    assert not any("Forecast page" in str(o) for s in at.selectbox for o in s.options)
    at.switch_page(FORECAST)
    at = ok(at.run())
    assert not any("Viewing saved run" in i.value for i in at.info)
    assert "fc_train_more" not in [b.key for b in at.button]


def test_a_withdrawn_runs_uploaded_data_goes_with_it(team, store):
    from lstm_app.runs.recording import record, start_run
    from lstm_app.series.loading import load_series
    from lstm_app.series.settings import ForecastConfig

    rows = "".join(f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},{100 + d % 7}\n" for d in range(84))
    series = load_series(("date,visitors\n" + rows).encode(), name="bobs_visitors.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=4, num_layers=1, epochs=1)
    bob = start_run(store, "forecast", series, config, "bobs", series.name, owner=BOB)
    record(store.home, bob, "forecast", series, config)
    token = store.share_link(bob)
    at = team(ALICE, FORECAST, run=bob, share=token)
    assert at.session_state["fc_uploaded"]["name"] == "bobs_visitors.csv"  # his data, shown
    store.unshare_link(bob)
    at = ok(at.run())
    assert any("no longer shared with you" in w.value for w in at.warning)
    assert "fc_uploaded" not in at.session_state  # nothing of his left to train on
    assert not any("bobs_visitors" in str(c.value) for c in at.caption)


def bobs_visitors(store) -> str:
    """Bob's run on his own file, bobs_visitors.csv (84 days of visitors)."""
    from lstm_app.runs.recording import record, start_run
    from lstm_app.series.loading import load_series
    from lstm_app.series.settings import ForecastConfig

    rows = "".join(f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},{100 + d % 7}\n" for d in range(84))
    series = load_series(("date,visitors\n" + rows).encode(), name="bobs_visitors.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=4, num_layers=1, epochs=1)
    bob = start_run(store, "forecast", series, config, "bobs", series.name, owner=BOB)
    record(store.home, bob, "forecast", series, config)
    return bob


def test_an_auto_tune_of_a_withdrawn_runs_data_is_stopped_with_it(team, store):
    """Alice opened Bob's run by its link and tuned on its data (read in row order: another
    fingerprint than his run's); Bob withdrew the link: her study went on training trial after
    trial on his data, out of her sight."""
    from lstm_app.series.time_column import NO_TIME_COLUMN
    from tests.conftest import poll
    from tests.test_app_tune import start_study

    bob = bobs_visitors(store)
    at = team(ALICE, FORECAST, run=bob, share=store.share_link(bob))
    for name, value in dict(epochs=300, patience=0, hidden_size=8, statistical_seconds=0).items():
        at.session_state[f"fc_{name}"] = value
    at.selectbox(key="fc_time_bobs_visitors.csv").set_value(NO_TIME_COLUMN)
    study = start_study(ok(at.run()), "fc", trials=20, minutes=5).session_state["fc_tune_job"]
    store.unshare_link(bob)
    at = ok(at.run())
    said = next(shown(w.value) for w in at.warning if "no longer shared" in w.value)
    assert said.endswith("Your auto-tune or training on its data was stopped.")
    poll(at, lambda a: study.snapshot().done, "the stopped study", 60)
    assert len(study.result().trials) < 20


def test_a_withdrawn_link_leaves_the_readers_own_file_of_the_same_name(team, store):
    bob = bobs_visitors(store)
    at = team(ALICE, FORECAST, run=bob, share=store.share_link(bob))
    mine = "date,visitors\n" + "".join(f"2023-01-{d:02d},{d}\n" for d in range(1, 29))
    at.file_uploader(key="fc_upload").upload("bobs_visitors.csv", mine.encode(), "text/csv").run()
    assert at.session_state["fc_uploaded"]["data"] == mine.encode()
    store.unshare_link(bob)
    at = ok(at.run())
    assert any("no longer shared with you" in w.value for w in at.warning)
    assert at.session_state["fc_uploaded"]["data"] == mine.encode()  # hers: it stays


def test_a_page_polling_its_training_looks_for_a_withdrawn_link_every_few_seconds(monkeypatch):
    """A live training or study is drawn by a fragment, which never reruns the page by itself:
    a link withdrawn meanwhile is found there, and the page rerun to close it."""
    import streamlit as st

    from lstm_app.ui import runs_session

    monkeypatch.setattr(runs_session, "opened_by_link", lambda: {"abc": "token"})
    monkeypatch.setattr(runs_session, "current_user", lambda: ALICE)
    shared = {"open": True}
    monkeypatch.setattr(runs_session, "still_open", lambda run_id: shared["open"])
    st.session_state.pop(runs_session.WITHDRAWN_CHECKED, None)
    assert not runs_session.withdrawn_meanwhile()
    shared["open"] = False
    assert not runs_session.withdrawn_meanwhile()  # looked at a moment ago: not yet again
    st.session_state[runs_session.WITHDRAWN_CHECKED] = 0.0
    assert runs_session.withdrawn_meanwhile()


def test_a_training_shared_with_someone_is_watched_live_but_only_its_owner_stops_it(team, store):
    import time
    at = team(ALICE, FORECAST)
    # a training of many minutes (10,000 epochs of two layers of 256 units; stopped at the end):
    # it must outlast the test on a loaded machine (3,000 epochs of 8 units ended before Bob's
    # last look in a CI run)
    for key, value in {"fc_epochs": 10_000, "fc_hidden_size": 256, "fc_num_layers": 2,
                       "fc_patience": 0, "fc_statistical_seconds": 0}.items():
        at.session_state[key] = value
    ok(at.run())
    ok(at.button(key="fc_train").click().run())
    job = at.session_state["fc_job"]
    assert (job.config.epochs, job.config.hidden_size) == (10_000, 256)  # no end in sight
    try:
        run_id = job.run_id
        store.share(run_id, True)
        bob = team(BOB, FORECAST, run=run_id)
        assert not job.snapshot().done
        assert "fc_job_stop" not in [b.key for b in bob.button]
        assert any(c.value == "Shared with you: only its owner can stop it." for c in bob.caption)
        assert bob.button(key="fc_train").disabled is False  # Bob may train his own
        bob.session_state["fc_job"].stop()  # whatever reaches it, it is not Bob's to stop
        time.sleep(1.0)
        assert not job.snapshot().done and store.get(run_id).status == "running"
        assert "fc_job_stop" in [b.key for b in ok(at.run()).button]  # Alice's own Stop
        store.share(run_id, False)  # Alice stops sharing it while Bob watches
        bob = ok(bob.run())
        assert any("no longer shared with you" in w.value for w in bob.warning)
        assert "fc_job" not in bob.session_state and not job.snapshot().done  # hers runs on
    finally:
        job.stop()
        job.wait(60)


def test_an_email_in_other_case_is_the_same_person_and_a_subject_is_never_an_email(team, store,
                                                                                    apps):
    run_id, _ = recorded_forecast(store, epochs=1)
    with store._db() as db:
        db.execute("UPDATE runs SET owner = ?, name = 'alices' WHERE id = ?", (ALICE, run_id))
    assert list(table(team("Alice@Example.TEST"))["name"]) == ["alices"]
    at = apps(RUNS)  # a provider that sends no e-mail, only a subject that reads like hers
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "sub": ALICE}
    at = ok(at.run())
    assert not at.dataframe or "alices" not in list(table(at)["name"])
    from lstm_app.runs.access import owns
    run = store.get(run_id)
    assert owns(run, "alice@example.test") and not owns(run, "sub:" + ALICE)
    bare = type(run)(**{**run.__dict__, "owner": "AbC123"})  # a subject stored before sub:
    assert owns(bare, "sub:AbC123") and not owns(bare, "sub:abc123")
    german = type(run)(**{**run.__dict__, "owner": "strasse@example.de"})
    assert not owns(german, "straße@example.de")  # two mailboxes, not one in two cases
