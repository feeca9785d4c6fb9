"""The settings tables: one row per config field, bounds and choices that hold their own defaults,
one sentence per bad value wherever it comes from, and the widgets the pages build from them."""

import dataclasses

import pytest

from lstm_app.series.settings import ForecastConfig
from lstm_app.tasks import TASKS
from lstm_app.text.settings import TextConfig
from lstm_app.training.settings import Setting, config_from_dict
from lstm_app.training.trainer import OPTIMIZERS, SCHEDULES


@pytest.mark.parametrize("task", TASKS.values(), ids=list(TASKS))
def test_the_table_describes_every_field_of_the_config_and_holds_its_defaults(task):
    fields = {f.name: f for f in dataclasses.fields(task.config)}
    assert list(task.settings) == list(fields) or set(task.settings) == set(fields)
    defaults = task.config()
    labels = [s.label for s in task.settings.values()]
    assert len(labels) == len(set(labels)), "two settings with one label"
    for name, s in task.settings.items():
        assert s.name == name and s.help.endswith((".", ")")), name
        value = getattr(defaults, name)
        assert s.check(value) == value, name
        if s.kind in (int, float) and value != "auto":
            assert s.low <= value <= s.high, name
        if s.presets:
            assert value in s.presets, f"{name}: the default must be on the page's slider"


def test_the_shared_choices_come_from_the_trainer_and_the_cells():
    for config in (ForecastConfig, TextConfig):
        table = TASKS["forecast" if config is ForecastConfig else "text"].settings
        assert table["optimizer"].choices == OPTIMIZERS
        assert table["lr_schedule"].choices == SCHEDULES
        assert table["cell"].choices == ("lstm", "gru", "peephole")
        assert table["dropout"].high == 0.9  # one bound: the page, the command line, bundles


@pytest.mark.parametrize("make, sentence", [
    (lambda: ForecastConfig(dropout=0.95), "Dropout must be a number from 0 to 0.9."),
    (lambda: TextConfig(dropout=-0.1), "Dropout must be a number from 0 to 0.9."),
    (lambda: ForecastConfig(epochs=0), "Epochs must be a whole number from 1 to 10,000."),
    (lambda: ForecastConfig(epochs=True), "Epochs must be a whole number from 1 to 10,000."),
    (lambda: ForecastConfig(lr=0), "Learning rate (lr) must be a number from 0.00001 to 1."),
    (lambda: ForecastConfig(lr=float("nan")),
     "Learning rate (lr) must be a number from 0.00001 to 1."),
    (lambda: ForecastConfig(horizon=0), "Horizon must be a whole number from 1 to 100,000, or auto."),
    (lambda: ForecastConfig(optimizer="lbfgs"),
     "Optimizer must be one of: adam, adamw, sgd, rmsprop."),
    (lambda: ForecastConfig(anchor_last="yes"),
     "Learn changes from the last value (anchor_last) must be true or false."),
    (lambda: ForecastConfig(covariates="promo"),
     "Extra input columns (covariates) must be a list of column names."),
    (lambda: TextConfig(prompt="x" * 2001),
     "Live sample prompt (prompt) must be a text of at most 2,000 characters."),
    # The same sentence for a saved run's or a bundle's settings and for the command line.
    (lambda: config_from_dict(TextConfig, {"prompt": "x" * 2001}),
     "Live sample prompt (prompt) must be a text of at most 2,000 characters."),
    (lambda: TASKS["text"].settings["prompt"].parse("x" * 2001),
     "Live sample prompt (prompt) must be a text of at most 2,000 characters."),
    (lambda: TextConfig(length=10_001), "Sample length (length) must be a whole number from 0 "
                                        "to 10,000."),
    (lambda: TextConfig(level="sentence"), "Level must be one of: char, word."),
    (lambda: TextConfig(suggested=("hidden_size", "wings")),
     "'suggested' names settings that do not exist: 'wings'."),
])
def test_a_bad_value_is_refused_with_one_plain_sentence(make, sentence):
    with pytest.raises(ValueError) as error:
        make()
    assert str(error.value) == sentence


def test_values_are_normalised_to_the_settings_type():
    config = ForecastConfig(hidden_size=16.0, lookback=24.0, covariates=["promo"], lr=1)
    assert (config.hidden_size, config.lookback, config.covariates) == (16, 24, ("promo",))
    assert type(config.hidden_size) is int and type(config.lr) is float
    assert ForecastConfig(val_size=12).val_size == 12.0 and ForecastConfig(val_size=0.2).val_size == 0.2


def test_a_column_named_twice_is_read_once():
    config = ForecastConfig(covariates=("price", "price"), known_covariates=("promo", "promo"))
    assert (config.covariates, config.known_covariates) == (("price", "promo"), ("promo",))


def test_command_line_words_are_parsed_by_the_table():
    table = TASKS["forecast"].settings
    assert table["lookback"].parse("auto") == "auto" and table["lookback"].parse("24") == 24
    assert table["lr"].parse("3e-3") == 0.003
    assert table["covariates"].parse("promo, price,") == ("promo", "price")
    with pytest.raises(ValueError, match="^Hidden units .hidden_size. must be a whole number"):
        table["hidden_size"].parse("lots")
    with pytest.raises(ValueError, match="a share between 0 and 1"):
        table["test_size"].parse("12.5")


def test_a_saved_config_is_read_through_the_same_checks():
    assert config_from_dict(TextConfig, {"hidden_size": 8.0}).hidden_size == 8
    with pytest.raises(ValueError, match="hold settings this task does not have: 'colour'"):
        config_from_dict(TextConfig, {"colour": "red"})
    with pytest.raises(ValueError, match="are not a set of named settings"):
        config_from_dict(TextConfig, ["hidden_size", 8])
    with pytest.raises(ValueError, match="Hidden units .hidden_size. must be"):
        config_from_dict(ForecastConfig, {"hidden_size": "8"})


def test_a_setting_names_itself_once_when_its_label_is_its_name():
    plain = Setting("dropout", float, "Dropout", "…", low=0.0, high=1.0)
    named = Setting("hidden_size", int, "Hidden units", "…", low=1, high=8)
    with pytest.raises(ValueError, match=r"^Dropout must"):
        plain.check(2.0)
    with pytest.raises(ValueError, match=r"^Hidden units \(hidden_size\) must"):
        named.check(9)


def test_a_run_saved_before_a_setting_existed_reads_as_its_default_on_the_page():
    """A saved run's config without ``window_scale`` trained without it: the page shows off,
    not whatever the widget held before."""
    from dataclasses import asdict

    from lstm_app.series.settings import ForecastConfig
    from lstm_app.tasks import FORECAST
    from lstm_app.ui.settings_form import page_settings
    saved = asdict(ForecastConfig())
    del saved["window_scale"]
    assert page_settings(FORECAST, saved)["window_scale"] is False
    assert page_settings(FORECAST, saved) == page_settings(FORECAST, ForecastConfig())
    # a column known ahead is read over the past too, but shown in its own box only
    both = page_settings(FORECAST, ForecastConfig(covariates=("price",),
                                                  known_covariates=("promo",)))
    assert both["covariates"] == ("price",) and both["known_covariates"] == ("promo",)


def test_a_refusal_names_the_setting_once_with_its_field_where_the_label_lacks_it():
    import pytest
    from lstm_app.text.settings import TextConfig
    from lstm_app.i18n import speaking
    said = {}
    for field, value in (("batch_size", 0), ("minutes", -1), ("hidden_size", 0), ("lr", 5.0)):
        with pytest.raises(ValueError) as error:
            TextConfig(**{field: value})
        said[field] = str(error.value).split(" must ")[0]
    assert said == {"batch_size": "Batch size (streams; batch_size)",
                    "minutes": "Time budget (minutes)",
                    "hidden_size": "Hidden units (hidden_size)", "lr": "Learning rate (lr)"}
    with speaking("zh"), pytest.raises(ValueError) as error:
        TextConfig(seq_len=0)
    assert "））" not in str(error.value) and ")(" not in str(error.value)
