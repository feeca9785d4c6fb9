"""The Inside page's parts: which model, the equations, the step-through, the heatmaps."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ..inside_charts import pca_chart, state_heatmap
from ..classify.explain import explain
from ..i18n import N_, tr, trn
from .language import choices_placeholder, select_all, translated
from ..inside.explain import (equations_with_numbers, heatmaps, in_words, step_numbers,
                              text_trace, undecided)
from ..inside.features import MAX_FEATURE_ROWS, pca_2d
from ..inside.series_input import SeriesInput, readable_series
from ..inside.text_units import coloured_html, tracking_units
from ..runs.reopening import has_weights, reopen
from ..series.panel_pipeline import PanelResult
from .classify_try import CLASS_CHARS, answer
from .keys import CLASSIFY, FORECAST, INSIDE, TEXT
from .people import shown_runs
from .runs_session import RUN_PARAM, SHARE_PARAM, opened_by_address, run_files_now, run_store
from .session import current_job
from ..quoting import cut, no_bidi
from .markdown import plain
from .text_view import text_box

LSTM_LATEX = [
    r"f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f)",
    r"i_t = \sigma(W_i \cdot [h_{t-1}, x_t] + b_i)",
    r"\tilde{C}_t = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C)",
    r"C_t = f_t \ast C_{t-1} + i_t \ast \tilde{C}_t",
    r"o_t = \sigma(W_o \cdot [h_{t-1}, x_t] + b_o)",
    r"h_t = o_t \ast \tanh(C_t)"]
# The peephole LSTM (training/peephole.py): the gates also read the cell state.
PEEPHOLE_LATEX = [
    r"f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f + p_f \ast C_{t-1})",
    r"i_t = \sigma(W_i \cdot [h_{t-1}, x_t] + b_i + p_i \ast C_{t-1})",
    r"\tilde{C}_t = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C)",
    r"C_t = f_t \ast C_{t-1} + i_t \ast \tilde{C}_t",
    r"o_t = \sigma(W_o \cdot [h_{t-1}, x_t] + b_o + p_o \ast C_t)",
    r"h_t = o_t \ast \tanh(C_t)"]
GRU_LATEX = [
    r"r_t = \sigma(W_r \cdot [h_{t-1}, x_t] + b_r)",
    r"z_t = \sigma(W_z \cdot [h_{t-1}, x_t] + b_z)",
    r"\tilde{n}_t = \tanh(W_n \cdot x_t + b_n + r_t \ast (U_n \cdot h_{t-1} + b_{hn}))",
    r"h_t = (1 - z_t) \ast \tilde{n}_t + z_t \ast h_{t-1}"]
HOW_TO_READ = {  # each heatmap's title (inside.explain.heatmaps) and how to read it
    "forget gate f": N_("Dark (near 1): the unit keeps what its cell held; light (near 0): it "
                        "forgets it at this step."),
    "input gate i": N_("Dark: the unit writes this step's candidate into its cell; light: it "
                       "lets this input pass by."),
    "output gate o": N_("Dark: the unit shows its cell's content in its output; light: it keeps "
                        "it to itself for now."),
    "cell state C": N_("The unit's long-term memory: a colour that lasts across many steps is "
                       "something carried along (red positive, blue negative)."),
    "hidden state h": N_("What the unit passes on, to the next step and to the prediction (red "
                         "positive, blue negative)."),
    "reset gate r": N_("Light (near 0): the candidate ignores the previous state at this step."),
    "update gate z": N_("Dark (near 1): the unit keeps its previous state; light: it takes the "
                        "new candidate."),
}
THIS_SESSION = {"forecast": N_("The forecast model on the Forecast page"),
                "panel": N_("The panel forecaster on the Forecast page"),
                "text": N_("The text model on the Text page"),
                "classify": N_("The classifier on the Classify page")}
TASK_WORDS = {"forecast": N_("forecast"), "panel": N_("panel"), "text": N_("text"),
              "classify": N_("classify")}


def choose_model():
    """The model to look into: one trained in this session, or a saved run: (task, result, an
    id of the model that differs from one model to the next). The Forecast page's training is a
    forecast or a panel, by its result."""
    options, shown = {}, {}  # the options are English (the widget's value); shown: as read
    for task, keys in (("forecast", FORECAST), ("text", TEXT), ("classify", CLASSIFY)):
        job = current_job(keys.job)
        if job is not None and job.snapshot().done and job.result() is not None:
            task = "panel" if isinstance(job.result(), PanelResult) else task
            options[THIS_SESSION[task]] = (task, job.result, f"{job.run_id}:{job.id}")
            shown[THIS_SESSION[task]] = tr(THIS_SESSION[task])
    # Runs that never saved weights (ended before one epoch) hold no network: not offered,
    # unless chosen or named by the address: then why it cannot be opened is said.
    store, chosen = run_store(), st.session_state.get(INSIDE.model)
    named = st.query_params.get(RUN_PARAM)  # a run's address: that run (by its link too)
    if named:
        opened_by_address(named)
    for run in shown_runs(store.list()):
        label = f"Saved run {run.id}"  # by id alone: a rename elsewhere keeps the choice
        if run.status == "running" or (label != chosen and run.id != named
                                       and not has_weights(store, run)):
            continue
        options[label] = (run.task, run.id, run.id)
        # when it was made: runs of the same file, named alike, told apart
        shown[label] = tr("Saved run: {name} ({task}, {when}, {id})", name=cut(run.name),
                          id=run.id, when=dt.datetime.fromtimestamp(run.created)
                          .strftime("%Y-%m-%d %H:%M"),
                          task=tr(TASK_WORDS[run.task]) if run.task in TASK_WORDS else run.task)
    if not options:
        st.info(tr("Train a model first (Forecast, Text or Classify page), or save one on the "
                   "command line with --save-run; then look inside it here."))
        st.page_link("pages/forecast.py", label=tr("Train a forecast"),
                     icon=":material/show_chart:")
        st.page_link("pages/text.py", label=tr("Train on a text"), icon=":material/edit_note:")
        st.page_link("pages/classify.py", label=tr("Classify labelled texts"),
                     icon=":material/label:")
        return None
    _follow_address(options, named)
    label = st.selectbox(tr("Model"), list(options), key=translated(INSIDE.model),
                         format_func=shown.get,
                         help=tr("A model trained in this browser session, or any saved run."))
    task, source, model_id = options[label]
    _address_shows(named, _run_of(options[label]))
    if callable(source):
        return task, source(), model_id
    try:
        return task, _reopened(source), model_id
    except ValueError as error:
        st.warning(plain(error))
        return None


def _follow_address(options: dict, named: str | None) -> None:
    """On arrival, and when Back or Forward changed the address: the model chosen is the run
    it names (this session's training where it is that run), or why there is none is said."""
    if not named or (named == st.session_state.get(INSIDE.addressed)
                     and INSIDE.model in st.session_state):
        return
    match = next((label for label, option in options.items() if _run_of(option) == named), None)
    if match is None:  # the address is anyone's to write: it is not echoed
        st.warning(tr("The address names a run that is not saved here or not shared with you; "
                      "it may have been deleted. Choose a model below."))
    else:
        st.session_state[INSIDE.model] = match


def _address_shows(named: str | None, shown_run: str | None) -> None:
    """The address names the run shown or none: another model chosen takes the run out of it
    (never written in: the address goes with the page to the next one, which would open that
    run there)."""
    if named and named != shown_run:
        st.query_params.pop(RUN_PARAM, None)
        st.query_params.pop(SHARE_PARAM, None)
    st.session_state[INSIDE.addressed] = st.query_params.get(RUN_PARAM)


def _run_of(option: tuple) -> str | None:
    """The saved run a model option shows (this session's training: its run, if saved)."""
    task, source, model_id = option
    run_id = model_id.split(":")[0] if callable(source) else source
    return None if run_id in ("", "None") else run_id


def choose_series(result: PanelResult) -> int | None:
    """The panel's series to look into, searchable by its id: at first the one the Forecast
    page shows, else the first. Series shorter than the lookback are left out (the network
    never reads them); None when no series is that long."""
    readable = readable_series(result)
    ids = [result.panel.ids[i] for i in readable]
    lookback = result.config.lookback
    if not ids:
        st.info(tr("No series of this panel has {lookback} values, the lookback: the network "
                   "reads none of them (each is forecast by seasonal naive or its last value).",
                   lookback=lookback))
        return None
    if st.session_state.get(INSIDE.series) not in ids:
        shown = st.session_state.get(FORECAST.panel_series)
        st.session_state[INSIDE.series] = shown if shown in ids else ids[0]
    chosen = st.selectbox(tr("Series"), ids, key=INSIDE.series, format_func=no_bidi,
                          help=tr("Type to search. The network is the same for every series; "
                                  "each series is read scaled by its own training span."))
    left_out = result.panel.n_series - len(ids)
    if left_out:
        st.caption(trn("{count:,} series shorter than the lookback ({lookback}) is not listed: "
                       "the network never reads it.",
                       "{count:,} series shorter than the lookback ({lookback}) are not listed: "
                       "the network never reads them.", left_out, lookback=lookback))
    return int(readable[ids.index(chosen)])


def _reopened(run_id: str):
    with st.spinner(tr("Opening the run…")):
        return _reopened_cached(run_id, run_files_now(run_id))


@st.cache_resource(max_entries=4, show_spinner=False)
def _reopened_cached(run_id: str, files: tuple):
    return reopen(run_store(), run_id, scoreboard=False)  # the network is what it shows


def snippet_box(model_label: str, default: str, help: str) -> str:
    """The text the network reads: the model's own ``default`` until the reader types another,
    kept through a visit to another page. Another model puts its own text in the box: set
    through the session state, which the browser's box follows (a new default alone would
    leave the box showing the last model's text while the network read the new one's)."""
    if st.session_state.get(INSIDE.snippet_model) != model_label:
        st.session_state[INSIDE.snippet] = default
        st.session_state[INSIDE.snippet_model] = model_label
    return st.text_area(tr("Text"), key=INSIDE.snippet, height=80, persist_state="session",
                        help=help)


def kept_inputs(extra: int, number: bool) -> str:
    """What a forecaster's attribution leaves as it is (``extra`` inputs besides those read
    from the data, ``number`` one of them the series' number), in a sentence; "" for none."""
    calendar = extra - int(number) > 0
    if calendar and number:
        return tr("Only values read from the data are replaced: the calendar inputs and the "
                  "series' number stay.")
    if number:
        return tr("Only values read from the data are replaced: the series' number stays.")
    return tr("Only values read from the data are replaced: the calendar inputs stay.") \
        if calendar else ""


def read_here(text: str, limit: int, words: bool) -> str:
    """``text`` as far as the page reads it (``whole_words``), saying so when that is not all."""
    if len(text) > limit:
        st.caption(tr("The network reads the first {shown:,} characters of the {count:,} here: "
                      "more steps would not fit the charts.", shown=limit, count=len(text)))
    return whole_words(text, limit, words)


def whole_words(text: str, limit: int, words: bool) -> str:
    """The first ``limit`` characters of ``text``; for a model of words, without a word cut in
    two at the end (it would read as a word the model never saw)."""
    cut_text = text[:limit]
    if not words or len(text) <= limit or text[limit].isspace():
        return cut_text
    if cut_text[-1:].isspace():  # cut just after a word: it is whole
        return cut_text.rstrip()
    return cut_text.rsplit(maxsplit=1)[0] if len(cut_text.split()) > 1 else cut_text


def classifier_answer(result, text: str, label: str | None = None) -> None:
    """What the classifier makes of the text looked into, with the tokens that moved it, and
    the text's ``label`` in the file where it is a test text as written there."""
    with st.expander(tr("What the classifier says about this text"), expanded=True):
        if label is not None:
            st.caption(tr("From a test text (never learnt from), labelled “{label}” in the file.",
                          label=plain(cut(label, CLASS_CHARS))))
        answer(explain(result.trained, text), result.data.classes, result.config.level)


def equations(cell: str) -> None:
    """The equations of the trained network's cell ("lstm", "gru" or "peephole")."""
    st.markdown(tr("The cell's equations (σ is the sigmoid, squashing to 0…1; ∗ multiplies "
                   "element by element; [h, x] puts the previous output next to the input):"))
    for line in {"gru": GRU_LATEX, "peephole": PEEPHOLE_LATEX}.get(cell, LSTM_LATEX):
        st.latex(line)
    if cell == "peephole":
        st.caption(tr("A peephole LSTM: its forget and input gates also look at the cell's "
                      "previous content, its output gate at the new one (the p terms). In the "
                      "numbers below, each gate's p term is shown on its own, and its value "
                      "before σ includes it."))


def step_through(layer, steps: list[str], lstm: bool, input_id: str) -> None:
    """Pick a step and units; see each equation with the actual numbers. ``input_id`` names the
    input: another input gets a slider of its own, at its last step (one slider for every
    input would keep showing an old step over the new input's numbers)."""
    a, b = st.columns([2, 1])
    t = a.select_slider(tr("Time step"), options=list(range(len(steps))),
                        key=INSIDE.step_for(input_id), value=len(steps) - 1,
                        format_func=lambda i: steps[i],
                        help=tr("The step of the input whose numbers you see."))
    hidden = layer.h.shape[-1]
    units = b.multiselect(tr("Units"), list(range(hidden)), default=list(range(min(3, hidden))),
                          key=INSIDE.units, max_selections=8, select_all=select_all(),
                          placeholder=choices_placeholder(range(hidden)),
                          help=tr("Which of the hidden units to show."))
    if not units:
        st.caption(tr("Pick at least one unit."))
        return
    numbers = step_numbers(layer, t, units)
    st.markdown(tr("**Unit {unit} at step {step}**, computed by the explicit cell from the "
                   "trained weights:", unit=units[0], step=plain(steps[t])))
    for line in equations_with_numbers(numbers.loc[units[0]], lstm):
        st.latex(stacked(line))
    st.markdown(in_words(numbers.loc[units[0]], lstm, units[0]))
    st.dataframe(shown_numbers(numbers.round(4)), key=INSIDE.numbers)


def stacked(line: str) -> str:
    """An equation of several equals signs with each "= …" on a line of its own, aligned: in
    one line a phone showed C_t's and h_t's products but not their results."""
    left, *rights = line.split(" = ")
    if len(rights) < 3:
        return line
    return (r"\begin{aligned} " + left + " &= " + r" \\ &= ".join(rights)
            + r" \end{aligned}")


def shown_numbers(numbers):
    """The step's numbers with their columns named in the reader's language ("f before σ/tanh"
    is the gate before its squashing; the symbols stay)."""
    before = " before σ/tanh"
    columns = {c: tr("{symbol} before σ/tanh", symbol=c[:-len(before)])
               for c in numbers.columns if c.endswith(before)}
    numbers = numbers.rename(columns=columns)
    numbers.index.name = tr("unit")
    return numbers


def heatmap_grid(layer, steps: list[str]) -> None:
    if undecided(layer):
        st.info(tr("Every gate stays between 0.3 and 0.7 over this input: each unit keeps, "
                   "writes and lets out about half at every step, so the gate heatmaps look "
                   "alike. The network's work is in the small differences between units and "
                   "steps; hover over a cell for its value."))
    for title, matrix in heatmaps(layer).items():  # the titles are English: the keys
        st.plotly_chart(state_heatmap(matrix.numpy(), steps, tr(title),
                                      gate=title.split()[1] == "gate"), key=INSIDE.heatmap(title))
        st.caption(tr(HOW_TO_READ[title]))


def features_title(view: SeriesInput, series_id: str | None = None) -> str:
    """The features chart's title: every forecast of the series, or how many of them."""
    origins = len(view.series.frame) - view.lookback + 1
    if origins <= MAX_FEATURE_ROWS:
        return (tr("The hidden state before each forecast, over the whole series")
                if series_id is None else
                tr("The hidden state before each forecast, over the whole series {series}",
                   series=cut(series_id)))
    return (tr("The hidden state before {count:,} forecasts spread evenly, over the whole series",
               count=MAX_FEATURE_ROWS) if series_id is None else
            tr("The hidden state before {count:,} forecasts spread evenly, over the whole series "
               "{series}", count=MAX_FEATURE_ROWS, series=cut(series_id)))


def features_section(features, title: str, file_name: str) -> None:
    """The hidden states as a table to download, and their 2-D projection coloured by time."""
    coords, shares = pca_2d(features)
    after = tr("the next step")  # a forecast's last state: the one after the data
    labels = [" · ".join(map(str, i)) if isinstance(i, tuple) else after if i == "next"
              else str(i) for i in features.index]
    st.plotly_chart(pca_chart(coords, labels, shares, title), key=INSIDE.pca)
    st.caption(tr("Each point is the network's hidden state at one step, flattened to two "
                  "dimensions (PCA); steps close together think alike. Colour runs from the "
                  "first step to the last."))
    st.download_button(tr("Download the hidden states (CSV)"), features.to_csv(),
                       file_name=file_name, mime="text/csv", key=INSIDE.features_csv,
                       icon=":material/download:",
                       help=tr("One row per step, one column per hidden unit: features for "
                               "other models, such as a regression or a clustering."))


ANALYSIS_CHARS = 2000  # of unseen text, for finding units that track something


def text_units_section(result, layer: int) -> None:
    """Units whose activation follows a simple property, and the text coloured by one unit."""
    unseen = result.text[len(result.train_text):] or result.text
    sample = unseen[:ANALYSIS_CHARS]
    traces, tokens = text_trace(result, sample)
    h = traces[layer].h[0].numpy()
    table = tracking_units(h, tokens)
    st.markdown(tr("Over {count:,} characters of text it never trained on, these units' "
                   "activations follow a simple property best (a correlation near +1 or −1 "
                   "means the unit tracks it):", count=len(tokens))
                if result.config.level == "char" else
                tr("Over {count:,} tokens of text it never trained on, these units' activations "
                   "follow a simple property best (a correlation near +1 or −1 means the unit "
                   "tracks it):", count=len(tokens)))
    shown = table.assign(property=table["property"].map(tr)).rename(columns={
        "property": tr("property"), "unit": tr("unit"), "correlation": tr("correlation")})
    st.dataframe(shown, hide_index=True, key=INSIDE.units_table)
    units = list(range(h.shape[1]))
    default = int(table["unit"].iloc[0]) if len(table) else 0
    unit = st.selectbox(tr("Colour the text by unit"), units, index=default,
                        key=INSIDE.colour_unit,
                        help=tr("Red where the unit's activation is positive, blue where "
                                "negative."))
    st.html(text_box(coloured_html(tokens[:600], h[:600, unit])))
    st.caption(tr("Look for a unit that switches colour at quotes, line breaks or word starts: "
                  "that is a cell your model grew for the job, without being told to."))
