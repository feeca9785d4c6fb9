"""The Text page's settings: suggested for each new text's size, one-sentence help each, into a TextConfig."""

from __future__ import annotations

import streamlit as st

from ..text.pipeline import TextConfig, check_sizes, summarize
from ..text.sizing import count_weights, size_advice, suggest_settings

DEFAULTS = TextConfig()
LEARNING_RATES = [3e-4, 1e-3, 2e-3, 4e-3, 1e-2, 3e-2]
SUGGESTED_FOR = "tx_suggested_for"  # session: the text whose size the settings were suggested for
KEYS = {  # TextConfig field -> widget key
    "level": "tx_level", "seq_len": "tx_seq_len", "hidden_size": "tx_hidden",
    "num_layers": "tx_layers", "embedding_dim": "tx_emb", "dropout": "tx_dropout",
    "batch_size": "tx_batch", "cell": "tx_cell", "epochs": "tx_epochs", "minutes": "tx_minutes",
    "lr": "tx_lr", "patience": "tx_patience", "max_vocab": "tx_max_vocab",
    "val_fraction": "tx_val", "seed": "tx_seed", "optimizer": "tx_optimizer",
    "lr_schedule": "tx_schedule", "grad_clip": "tx_clip", "prompt": "tx_live_prompt",
    "keep_best": "tx_keep_best",
}


@st.cache_data(show_spinner="Counting the vocabulary and tokens…", max_entries=32)
def summarize_cached(text: str, level: str, max_vocab: int, val_fraction: float) -> dict:
    return summarize(text, TextConfig(level=level, max_vocab=max_vocab, val_fraction=val_fraction))


def suggest_for(source_id: str, text: str, sample_settings: dict) -> None:
    """Set the widgets to settings suited to this text's size, once per new text."""
    for field, key in KEYS.items():
        st.session_state.setdefault(key, getattr(DEFAULTS, field))
    if st.session_state.get(SUGGESTED_FOR) == source_id:
        return
    level = sample_settings.get("level", "char")
    summary = summarize_cached(text, level, st.session_state[KEYS["max_vocab"]],
                               st.session_state[KEYS["val_fraction"]])
    values = {**suggest_settings(summary["train_tokens"], summary["vocab_size"]), **sample_settings,
              "level": summary["level"]}
    for field, value in values.items():
        st.session_state[KEYS[field]] = value
    st.session_state[SUGGESTED_FOR] = source_id


def current_summary(text: str) -> dict:
    """The vocabulary and token counts for the level and spans the widgets hold now."""
    state = st.session_state
    return summarize_cached(text, state[KEYS["level"]], state[KEYS["max_vocab"]],
                            state[KEYS["val_fraction"]])


def _number(container, label, field, help, **kwargs):
    return container.number_input(label, key=KEYS[field], help=help, persist_state="session",
                                  **kwargs)


def text_settings() -> TextConfig:
    """Render the settings (their values live in the session) and return the config they describe."""
    st.caption("Suggested for this text's size; change them freely.")
    a, b, c, d = st.columns(4)
    a.segmented_control("Level", ["char", "word"], key=KEYS["level"], persist_state="session",
                        required=True, format_func={"char": "Characters", "word": "Words"}.get,
                        help="Learn the text one character at a time (any language, can invent "
                             "words) or one word at a time (real words only, needs more text).")
    _number(b, "Sequence length", "seq_len", min_value=2, max_value=1000,
            help="How many steps the network is trained to look back through at once "
                 "(backpropagation through time); its memory is carried further between chunks.")
    _number(c, "Hidden units", "hidden_size", min_value=1, max_value=2048,
            help="The size of the network's memory: more units learn more of the text but "
                 "train more slowly.")
    _number(d, "Layers", "num_layers", min_value=1, max_value=4,
            help="How many LSTM layers are stacked; one trains fastest, two can learn more.")
    a, b, c, d = st.columns(4)
    _number(a, "Embedding size", "embedding_dim", min_value=1, max_value=1024,
            help="How many numbers describe each character or word before the LSTM reads it.")
    _number(b, "Dropout", "dropout", min_value=0.0, max_value=0.9, step=0.05,
            help="The share of the network switched off at random while training, which stops "
                 "it from learning the text by heart.")
    _number(c, "Batch size (streams)", "batch_size", min_value=1, max_value=1024,
            help="The text is cut into this many parallel streams that train side by side.")
    d.segmented_control("Cell type", ["lstm", "gru"], key=KEYS["cell"], persist_state="session",
                        required=True, format_func=str.upper,
                        help="LSTM is the classic; GRU is a slightly smaller cousin.")
    a, b, c = st.columns([1, 1, 2])
    _number(a, "Epochs", "epochs", min_value=1, max_value=10000,
            help="How many times training reads the whole text (it may stop earlier when the "
                 "validation loss stops improving).")
    _number(b, "Time budget (minutes)", "minutes", min_value=0.0, max_value=600.0, step=0.5,
            help="Stop after this many minutes of training whatever the epoch (0 for no limit).")
    c.select_slider("Learning rate", LEARNING_RATES, key=KEYS["lr"], persist_state="session",
                    format_func=lambda v: f"{v:g}",
                    help="How big each learning step is: too small learns slowly, too big jumps "
                         "around or blows up.")
    with st.expander("Advanced"):
        _advanced()
    state = st.session_state
    values = {field: state[key] for field, key in KEYS.items()}
    ints = ("seq_len", "hidden_size", "num_layers", "embedding_dim", "batch_size", "epochs",
            "patience", "max_vocab", "seed")
    floats = ("dropout", "minutes", "lr", "val_fraction", "grad_clip")
    values.update({f: int(values[f]) for f in ints})
    values.update({f: float(values[f]) for f in floats})
    return TextConfig(**values)


def _advanced() -> None:
    a, b, c, d = st.columns(4)
    _number(a, "Early-stopping patience", "patience", min_value=0, max_value=1000,
            help="Stop after this many epochs without a better validation loss (0 never stops "
                 "early: right for tiny texts learnt by heart).")
    _number(b, "Validation share", "val_fraction", min_value=0.02, max_value=0.5, step=0.02,
            help="The end of the text kept unseen, to score how well the model writes text it "
                 "has not read.")
    _number(c, "Largest word vocabulary", "max_vocab", min_value=10, max_value=100000,
            help="At word level, only this many of the most frequent words are kept; the rest "
                 "become an unknown token.")
    _number(d, "Seed", "seed", min_value=0, max_value=2**31 - 1,
            help="Fixes the random start and the samples, so that the same settings give the "
                 "same result.")
    a, b, c, d = st.columns(4)
    a.selectbox("Optimizer", ["adam", "adamw", "sgd", "rmsprop"], key=KEYS["optimizer"],
                persist_state="session",
                help="The rule that turns errors into weight updates; Adam is the safe choice.")
    b.selectbox("Learning-rate schedule", ["plateau", "cosine", "none"], key=KEYS["lr_schedule"],
                persist_state="session",
                help="Plateau halves the learning rate when progress stalls; cosine lowers it "
                     "smoothly.")
    _number(c, "Gradient clipping", "grad_clip", min_value=0.0, max_value=100.0, step=0.5,
            help="Caps the size of each update so that a rare huge error cannot wreck the "
                 "network (0 turns it off).")
    d.text_input("Live sample prompt", key=KEYS["prompt"], persist_state="session",
                 placeholder="the text's first words",
                 help="The samples shown while training all start with this text.")
    st.toggle("Keep the weights of the best validation epoch", key=KEYS["keep_best"],
              persist_state="session",
              help="On: training ends with the weights that scored best on the validation span. "
                   "Off: it ends with the last epoch's weights, which is right for a tiny text "
                   "learnt by heart, whose few validation words say little.")


def model_size_note(summary: dict, config: TextConfig) -> bool:
    """The weights against the training text, with advice; False (and why) if it cannot train."""
    try:
        check_sizes(summary["train_tokens"], summary["val_tokens"], config.batch_size)
    except ValueError as error:
        st.warning(str(error))
        return False
    weights = count_weights(summary["vocab_size"], config.embedding_dim, config.hidden_size,
                            config.num_layers, config.cell)
    unit = "characters" if summary["level"] == "char" else "tokens"
    level, sentence = size_advice(weights, summary["train_tokens"], unit)
    (st.caption if level == "ok" else st.info)(sentence)
    return True
