"""Every widget and session-state key of the app, by page family: the one place to look them up.

The task pages share one pattern under their prefix ("fc" Forecast, "tx" Text, "cl" Classify): a setting's
widget is ``<prefix>_<setting name>`` (``setting``), and the keys both pages have are named the
same way on each (``TaskKeys``). Their own extra keys, and the Inside, Runs and Home pages' few,
follow below.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskKeys:
    """The keys a task page (Forecast, Text) has, named the same way under its prefix."""

    prefix: str

    def setting(self, name: str) -> str:
        """The widget of the setting ``name`` (a field of the task's config)."""
        return f"{self.prefix}_{name}"

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    # the data picker (source_picker)
    kind = property(lambda self: self.key("kind"))            # radio: a sample or my own
    sample = property(lambda self: self.key("sample"))        # selectbox of the samples
    upload = property(lambda self: self.key("upload"))        # the file uploader
    uploaded = property(lambda self: self.key("uploaded"))    # session: the kept upload
    upload_round = property(lambda self: self.key("upload_round"))  # session: the uploader's
                                                            # key changed, to empty it
    sample_set = property(lambda self: self.key("sample_set"))  # session: the data whose
                                                            # sample settings were applied
    # the training (task_flow, live)
    job = property(lambda self: self.key("job"))              # session: the job shown
    autostart = property(lambda self: self.key("autostart"))  # session: Home's demo presses Train
    offer = property(lambda self: self.key("offer"))          # session: a demo's earlier run
    train = property(lambda self: self.key("train"))
    stop = property(lambda self: self.key("job_stop"))
    more = property(lambda self: self.key("more"))            # how many more epochs
    train_more = property(lambda self: self.key("train_more"))
    suggestion = property(lambda self: self.key("suggestion"))  # session: the suggested values
    kept = property(lambda self: self.key("kept"))            # session: the settings last shown
    more_settings = property(lambda self: self.key("more_settings"))  # "More settings" open
    horizon_to_plan = property(lambda self: self.key("horizon_to_plan"))  # horizon := plan's
    suggested_for = property(lambda self: self.key("suggested_for"))  # session: for which data
    reopened = property(lambda self: self.key("reopened"))    # session: ... when a run's own
    live_loss = property(lambda self: self.prefix)            # the live loss chart, its toggles
    final_loss = property(lambda self: self.key("final"))     # ... and the one under results
    report = property(lambda self: self.key("dl_json"))       # download the report
    # the auto-tune (tune_view)
    tune_job = property(lambda self: self.key("tune_job"))    # session: the study's job
    tune_for = property(lambda self: self.key("tune_for"))    # session: the data it tunes
    tune_applied = property(lambda self: self.key("tune_applied"))  # session: trial applied
    tune_trials = property(lambda self: self.key("tune_trials"))
    tune_minutes = property(lambda self: self.key("tune_minutes"))
    tune_start = property(lambda self: self.key("tune_start"))
    tune_stop = property(lambda self: self.key("tune_stop"))
    tune_apply = property(lambda self: self.key("tune_apply"))
    tune_history = property(lambda self: self.key("tune_history"))    # its two charts
    tune_parallel = property(lambda self: self.key("tune_parallel"))

    def coach(self, i: int) -> str:
        """The coach's i-th "Apply" button; "Apply and train" is the same key with "_train"."""
        return f"{self.prefix}_coach_{i}"


@dataclass(frozen=True)
class ForecastKeys(TaskKeys):
    live_validation: str = "fc_live_validation"
    series_chart: str = "fc_series_chart"
    step: str = "fc_step"                      # which step ahead the backtest chart shows
    origin: str = "fc_origin"                  # ... or which whole forecast it shows
    backtest: str = "fc_backtest"
    forecast: str = "fc_forecast"
    method: str = "fc_method"                  # the forecast shown and downloaded
    method_of: str = "fc_method_of"            # session: the result that choice is for
    forecast_csv: str = "fc_dl_csv"
    plan: str = "fc_plan"                      # the planned values of the known-ahead inputs
    what_if: str = "fc_what_if"                # ... edited after training (a prefix)
    what_if_chart: str = "fc_what_if_chart"
    what_if_csv: str = "fc_dl_what_if"
    # a file of many series (a panel)
    panel_overview: str = "fc_panel_overview"  # a few series drawn small
    panel_live: str = "fc_panel_live"          # the live validation forecast of a few series
    panel_search: str = "fc_panel_search"      # the per-series table's search box
    panel_table: str = "fc_panel_table"        # ... the table (a row opens its series), a
                                               # prefix: the key changes to clear its tick
    panel_series: str = "fc_panel_series"      # the series opened
    scores_csv: str = "fc_dl_scores"           # download every series' scores
    panel_files: str = "fc_panel_files"        # session: the result shown and its downloads

    def layout(self, file_name: str) -> str:
        """One series, or many (long or wide), one per data file."""
        return f"fc_layout_{file_name}"

    def id_cols(self, file_name: str) -> str:
        return f"fc_ids_{file_name}"

    def time_col(self, file_name: str) -> str:
        """The time column picker, one per data file (its choices differ)."""
        return f"fc_time_{file_name}"

    def value_col(self, file_name: str) -> str:
        return f"fc_value_{file_name}"


@dataclass(frozen=True)
class TextKeys(TaskKeys):
    generated: str = "tx_generated"            # session: the samples generated from this model
    explored: str = "tx_explored"              # session: the temperature explorer's samples
    generated_for: str = "tx_generated_for"    # session: the result those samples are of
    gen_prompt: str = "tx_gen_prompt"          # the generation panel's own widgets
    gen_length: str = "tx_gen_length"
    gen_temperature: str = "tx_gen_temperature"
    gen_top_k: str = "tx_gen_top_k"
    gen_top_p: str = "tx_gen_top_p"
    generate: str = "tx_generate"
    explore: str = "tx_explore"
    samples_txt: str = "tx_dl_samples"


@dataclass(frozen=True)
class ClassifyKeys(TaskKeys):
    class_chart: str = "cl_class_chart"        # the texts of each class
    length_chart: str = "cl_length_chart"      # the texts' lengths
    live_scores: str = "cl_live_scores"        # validation accuracy and macro-F1, live
    final_scores: str = "cl_final_scores"      # ... and under the results
    confusion: str = "cl_confusion"
    mistakes: str = "cl_mistakes"
    mistakes_csv: str = "cl_dl_mistakes"
    try_form: str = "cl_try_form"              # the "try it" box: its form, text and button
    try_text: str = "cl_try_text"
    try_button: str = "cl_try"
    tried: str = "cl_tried"                    # session: (model, text) last tried and its answer
    try_kept: str = "cl_try_kept"              # session: the text last classified, for the box
                                               # after a training (a widget not drawn forgets)
    try_drawn_for: str = "cl_try_drawn_for"    # session: the model the box was last drawn for

    def text_col(self, file_name: str) -> str:
        """The text column picker, one per data file (its choices differ)."""
        return f"cl_text_{file_name}"

    def label_col(self, file_name: str) -> str:
        return f"cl_label_{file_name}"


@dataclass(frozen=True)
class InsideKeys:
    model: str = "in_model"
    addressed: str = "in_addressed"            # session: the run the address named when drawn
    series: str = "in_series"                  # a panel's series looked into
    origin: str = "in_origin"                  # "Forecast made for"
    snippet: str = "in_snippet"
    snippet_model: str = "in_snippet_model"  # the model whose text the snippet box holds
    layer: str = "in_layer"
    step: str = "in_t"
    units: str = "in_units"
    numbers: str = "in_numbers"
    attribution: str = "in_attribution"
    pca: str = "in_pca"
    features_csv: str = "in_features_csv"
    units_table: str = "in_units_table"
    colour_unit: str = "in_colour_unit"

    def heatmap(self, title: str) -> str:
        return f"in_{title}"

    def step_for(self, input_id: str) -> str:
        """The step slider of one input (a model and a window or snippet)."""
        return f"{self.step}_{zlib.crc32(input_id.encode()):08x}"


@dataclass(frozen=True)
class RunsKeys:
    task: str = "runs_task"
    status: str = "runs_status"
    search: str = "runs_search"
    table: str = "runs_table"                  # the container; the grid is table_<rows id>
    chosen: str = "runs_chosen"                # the ids of the runs selected (session state)
    log: str = "runs_log"
    chart: str = "runs_chart"
    settings: str = "runs_settings"
    scores: str = "runs_scores"
    every_setting: str = "runs_every_setting"
    bundle: str = "runs_bundle"
    onnx_int8: str = "runs_onnx_int8"          # the ONNX export: INT8 too, the button, the
    onnx: str = "runs_onnx"                    # download, and the last export (session state)
    onnx_download: str = "runs_onnx_download"
    onnx_done: str = "runs_onnx_done"
    edit: str = "runs_edit"
    save: str = "runs_save"  # the edit form's submit button
    delete: str = "runs_delete"
    delete_confirm: str = "runs_delete_confirm"
    delete_cancel: str = "runs_delete_cancel"
    export: str = "runs_export"
    import_file: str = "runs_import_file"
    import_button: str = "runs_import"
    make_link: str = "runs_make_link"
    withdraw_link: str = "runs_withdraw_link"

    def grid(self, rows_id: str) -> str:
        return f"runs_table_{rows_id}"

    def name(self, run_id: str) -> str:
        return f"runs_name_{run_id}"

    def note(self, run_id: str) -> str:
        return f"runs_note_{run_id}"

    def share(self, run_id: str) -> str:
        return f"runs_share_{run_id}"

    def shown(self, run_id: str) -> str:  # session: the name and note the boxes were filled with
        return f"runs_shown_{run_id}"


def loss_curve_keys(prefix: str) -> tuple[str, str, str]:
    """A loss chart's log-scale toggle, perplexity toggle and chart, under ``prefix`` (a task
    page's ``live_loss`` or ``final_loss``)."""
    return f"{prefix}_log", f"{prefix}_ppl", f"{prefix}_loss_chart"


FORECAST = ForecastKeys("fc")
TEXT = TextKeys("tx")
CLASSIFY = ClassifyKeys("cl")
INSIDE = InsideKeys()
RUNS = RunsKeys()
TASK_KEYS = (FORECAST, TEXT, CLASSIFY)


def page_keys(task: str) -> TaskKeys:
    """The keys of the page a run of ``task`` is shown on (a panel's: Forecast's)."""
    return {"text": TEXT, "classify": CLASSIFY}.get(task, FORECAST)


def demo(sample: str) -> str:
    """Home's one-click demo button for a sample."""
    return f"demo_{sample}"
