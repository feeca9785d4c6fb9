"""Fitting the model to the text: suggested settings that train, the weight count, the size advice."""

from dataclasses import fields, replace

import pytest
import torch

from lstm_app.text.model import LanguageModel, LanguageModelShape
from lstm_app.text.pipeline import run_text
from lstm_app.text.settings import TextConfig
from lstm_app.text.spans import summarize
from lstm_app.text.sizing import suggested_config as suggested_config_for
from lstm_app.text.sizing import (LARGE_TOKENS, TINY_TOKENS, TOO_BIG, TOO_SMALL, count_weights,
                                  size_advice, suggest_settings)
from lstm_app.text.streams import to_streams
from tests.conftest import SAMPLES

KERAS = (SAMPLES / "keras_toy_sentence.txt").read_text(encoding="utf-8")


def suggested_config(train_tokens: int, vocab_size: int = 60, **overrides) -> TextConfig:
    """A TextConfig from the suggestion, shortened to 2 epochs and no time budget for speed."""
    return TextConfig(**{**suggest_settings(train_tokens, vocab_size), "epochs": 2, "minutes": 0.0,
                         "length": 10, **overrides})


def test_suggestions_are_textconfig_fields():
    names = {f.name for f in fields(TextConfig)}
    for tokens in (41, TINY_TOKENS - 1, TINY_TOKENS, LARGE_TOKENS - 1, LARGE_TOKENS, 10**7):
        settings = suggest_settings(tokens, 60)
        assert set(settings) <= names
        TextConfig(**settings)  # builds


@pytest.mark.parametrize("file, level", [("keras_toy_sentence.txt", "word"),
                                         ("keras_toy_sentence.txt", "char"),
                                         ("lstm_zh.txt", "char")])
def test_tiny_text_trains_with_the_suggested_settings(file, level):
    text = (SAMPLES / file).read_text(encoding="utf-8")
    summary = summarize(text, level, 10000, 0.1)
    if file == "keras_toy_sentence.txt" and level == "word":
        assert summary.train_tokens == 41  # the three Keras sentences, words and spaces
    assert summary.train_tokens < TINY_TOKENS
    config = suggested_config(summary.train_tokens, summary.vocab_size, level=level)
    result = run_text(text, config)  # must not raise "too few for N parallel streams"
    assert len(result.training.history) == 2
    assert result.counts.train_tokens == summary.train_tokens


def test_tiny_suggestions_fit_every_small_text():
    """For every tiny size, run_text's guard passes and the streams fit at the worst offset."""
    # 9 training tokens: the shortest text with 2 validation tokens at the default share (11 chars).
    for tokens in range(9, TINY_TOKENS):
        s = suggest_settings(tokens, 60)
        assert s["patience"] == 0 and 4 <= s["seq_len"] <= 32 and s["batch_size"] >= 1
        assert tokens >= 2 * s["batch_size"], tokens
        # Each epoch starts at a random offset below seq_len; the largest one must still leave
        # every stream an input and a target.
        to_streams(torch.arange(tokens)[s["seq_len"] - 1:], s["batch_size"])


def test_a_text_the_size_check_accepts_trains_every_epoch():
    # The Keras sentences at character level with the default 32 streams of 100 steps: 110
    # training tokens pass the check (at least 64), yet an offset of 47 or more leaves fewer
    # than 2 tokens a stream. Refusing the text up front ("too few") would be fine too.
    config = TextConfig(level="char", epochs=10, embedding_dim=4, hidden_size=8, num_layers=1,
                        length=5)
    assert (config.batch_size, config.seq_len) == (32, 100)
    try:
        result = run_text(KERAS, config)
    except ValueError as error:
        assert "too few" in str(error), str(error)  # the up-front refusal, not a crash mid-run
    else:
        assert len(result.training.history) == config.epochs


def test_medium_and_large_thresholds():
    # A character vocabulary of 65 (as tiny Shakespeare's): the largest model the text can fill.
    tiny, small_medium = suggest_settings(TINY_TOKENS - 1, 65), suggest_settings(TINY_TOKENS, 65)
    big_medium, large = suggest_settings(LARGE_TOKENS - 1, 65), suggest_settings(LARGE_TOKENS, 65)
    assert tiny["patience"] == 0 and tiny["hidden_size"] == 128
    assert small_medium["hidden_size"] == 64   # 2,000 characters cannot fill more
    assert big_medium["hidden_size"] == 256    # capped below the large texts
    assert large["hidden_size"] == suggest_settings(5 * LARGE_TOKENS, 65)["hidden_size"] == 512
    assert small_medium["patience"] > 0 and large["patience"] > 0
    assert large["minutes"] > 0  # the full corpus gets a time budget


@pytest.mark.parametrize("tokens, vocab", [(2_000, 65), (12_000, 60), (37_000, 3_110),
                                           (90_000, 62), (299_999, 10_001), (1_000_000, 65)])
def test_suggested_sizes_never_set_off_the_too_big_advice(tokens, vocab):
    s = suggest_settings(tokens, vocab)
    weights = count_weights(TextConfig(**s), vocab)
    level, _ = size_advice(weights, tokens)
    assert level != "too_big" or s["hidden_size"] == 64, (tokens, vocab, s["hidden_size"])


def test_the_shakespeare_excerpt_gets_the_measured_256_units():
    assert suggest_settings(89_858, 62)["hidden_size"] == 256


def test_count_weights_by_hand():
    # V=30, E=8, H=16, one LSTM layer: embedding 30*8 = 240; LSTM 4*16*(8+16) = 1536 weights
    # plus 8*16 = 128 biases (b_ih and b_hh); head 16*30 + 30 = 510. Total 2414.
    small = TextConfig(embedding_dim=8, hidden_size=16, num_layers=1)
    assert count_weights(small, 30) == 240 + 1536 + 128 + 510 == 2414
    # GRU: three gates instead of four.
    assert count_weights(replace(small, cell="gru"), 30) == 240 + 3 * 16 * 24 + 6 * 16 + 510


@pytest.mark.parametrize("cell", ["lstm", "gru", "peephole"])
@pytest.mark.parametrize("layers", [1, 2])
def test_count_weights_matches_the_model(cell, layers):
    shape = LanguageModelShape(vocab_size=57, embedding_dim=12, hidden_size=20, num_layers=layers,
                               dropout=0.2, cell=cell)
    expected = sum(p.numel() for p in LanguageModel(shape).parameters())
    config = TextConfig(embedding_dim=12, hidden_size=20, num_layers=layers, cell=cell)
    assert count_weights(config, 57) == expected


def test_size_advice_levels_at_the_thresholds():
    tokens = 1000
    assert size_advice(int(TOO_BIG * tokens) + 1, tokens)[0] == "too_big"
    assert size_advice(int(TOO_BIG * tokens), tokens)[0] == "ok"
    assert size_advice(tokens, tokens)[0] == "ok"
    assert size_advice(int(TOO_SMALL * tokens), tokens)[0] == "ok"
    assert size_advice(int(TOO_SMALL * tokens) - 1, tokens)[0] == "too_small"
    assert size_advice(100, 0)[0] == "too_big"  # no training tokens: no division by zero


def test_a_tiny_text_is_told_it_is_learnt_by_heart_on_purpose():
    level, said = size_advice(107_738, 1_500)
    assert level == "too_big" and "can only be learnt by heart, and the settings suggested " \
        "for it do just that" in said and "last epoch's weights" in said
    assert "for a demo, that is fine" in size_advice(107_738, 4_000)[1]


def test_size_advice_sentence_has_the_formatted_numbers():
    level, sentence = size_advice(1_234_567, 12_345)
    assert level == "too_big"
    assert "1,234,567 weights" in sentence and "12,345 training characters" in sentence
    level, sentence = size_advice(2_000, 1_500_000, level="word")
    assert level == "too_small" and "2,000 weights" in sentence
    assert "1,500,000 training tokens" in sentence
    level, sentence = size_advice(50_000, 40_000)
    assert level == "ok" and "50,000" in sentence and "40,000" in sentence


def test_the_suggested_config_fills_in_only_what_was_not_given():
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")
    suggested = suggested_config_for(text)
    assert suggested.hidden_size == 256 and suggested.num_layers == 1 and suggested.lr == 4e-3
    assert set(suggested.suggested) == set(suggest_settings(89_858, 62)) | {"level"}
    mine = suggested_config_for(text, {"hidden_size": 64, "lr": 1e-3})
    assert (mine.hidden_size, mine.lr) == (64, 1e-3)
    assert "hidden_size" not in mine.suggested and "lr" not in mine.suggested
    assert "num_layers" in mine.suggested
    tiny = suggested_config_for(KERAS, {"level": "word"})
    assert tiny.level == "word" and not tiny.keep_best and tiny.patience == 0


def test_a_perplexity_beyond_the_texts_choices_is_said_to_be_worse_than_a_blind_guess():
    from types import SimpleNamespace

    from lstm_app.ui.text_view import perplexity_in_words

    result = lambda ppl: SimpleNamespace(perplexity=ppl, config=SimpleNamespace(level="char"),
                                         counts=SimpleNamespace(vocab_size=356))
    said = perplexity_in_words(result(1819.46))
    assert "between about 1819 equally likely ones" in said
    # 355 characters and the unknown one: the 355 the text's summary says (it said 356 here)
    assert said.endswith("That is more than the 355 different ones the text has: on text it "
                         "never saw, the model does worse than a blind guess among them, "
                         "because it is sure of wrong answers (it learnt the training text by "
                         "heart, or had too little to learn from).")
    assert "blind guess" not in perplexity_in_words(result(12.5))
