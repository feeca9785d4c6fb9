"""What the page shows while and after a text model trains: the live timeline of samples from a
fixed prompt, the copied spans of a sample, the prompt itself, the text's counts, and progress."""

import random
from dataclasses import replace

import pytest
import torch

from lstm_app.text import live as pipeline  # the samples' timing lives with the live view
from lstm_app.i18n import speaking
from lstm_app.text.corpus import NO_SPACES_NOTICE, chars_per_token, make_vocab
from lstm_app.text.copying import copied_spans, memorization
from lstm_app.text.generate import default_prompt, generate
from lstm_app.text.model import LanguageModel, LanguageModelShape
from lstm_app.text.pipeline import run_text
from lstm_app.text.settings import TextConfig
from lstm_app.text.spans import TextSummary, split_text
from lstm_app.text.spans import summarize as summarize_at
from lstm_app.training.trainer import Callbacks, Progress, Trainer, TrainerConfig

TEXT = "the quick brown fox jumps over the lazy dog.\n" * 20  # 900 characters
TINY = TextConfig(epochs=3, embedding_dim=4, hidden_size=8, num_layers=1, batch_size=4,
                  seq_len=16, length=10)
CHINESE = "长短期记忆网络是一种特殊的循环神经网络。" * 6


@pytest.fixture
def every_epoch(monkeypatch):
    """A live sample at every epoch's end, and none between batches, however fast the epochs."""
    monkeypatch.setattr(pipeline, "MIN_SAMPLE_GAP", 0.0)
    monkeypatch.setattr(pipeline, "SAMPLE_EVERY_SECONDS", 1e9)


def summarize(text, config):
    return summarize_at(text, config.level, config.max_vocab, config.val_fraction)


def live_run(config=TINY, text=TEXT, on_progress=None, start=None):
    payloads = []
    result = run_text(text, config, Callbacks(on_progress=on_progress, on_live=payloads.append),
                      start)
    return result, payloads


# ---- copied_spans ------------------------------------------------------------------------------

TRAINING = "to be or not to be, that is the question"


def test_copied_spans_merge_overlapping_hits():
    # 11 overlapping 8-character hits (starts 2..12) make one span: exactly the copied passage.
    spans = copied_spans("xxto be or not to bexx", TRAINING)
    assert spans == [(2, 20)]
    assert "xxto be or not to bexx"[2:20] == "to be or not to be"


def test_copied_spans_keep_separate_passages_apart():
    sample = "to be or QQQQQQQQQQ the question!"
    spans = copied_spans(sample, TRAINING)
    assert spans == [(0, 9), (19, 32)]
    assert [sample[a:b] for a, b in spans] == ["to be or ", " the question"]


def test_copied_spans_empty_cases():
    assert copied_spans("qqqqqqqqqqqqqqqq", TRAINING) == []
    assert copied_spans("to be", TRAINING) == []          # shorter than one n-gram
    assert copied_spans("", TRAINING) == []
    assert copied_spans("to be or", TRAINING) == [(0, 8)]  # exactly one n-gram
    assert copied_spans("to be", TRAINING, n=3) == [(0, 5)]


def _covered(sample, training, n):
    """The characters of ``sample`` inside some n-gram that occurs in ``training``, by brute force."""
    covered = set()
    for i in range(len(sample) - n + 1):
        if sample[i:i + n] in training:
            covered.update(range(i, i + n))
    return covered


def _longest_copied(sample, training, n):
    return max((j - i for i in range(len(sample)) for j in range(i + n, len(sample) + 1)
                if sample[i:j] in training), default=0)


@pytest.mark.parametrize("n", [3, 8])
def test_copied_spans_cover_exactly_the_copied_characters(n):
    rng = random.Random(n)
    for _ in range(60):
        training = "".join(rng.choice("ab c") for _ in range(80))
        # Part copied from the training text, part random, so that hits and misses both occur.
        start = rng.randrange(0, 60)
        sample = ("".join(rng.choice("abc d") for _ in range(rng.randrange(0, 12)))
                  + training[start:start + rng.randrange(0, 20)]
                  + "".join(rng.choice("abcd ") for _ in range(rng.randrange(0, 12))))
        spans = copied_spans(sample, training, n)
        inside = {i for a, b in spans for i in range(a, b)}
        assert inside == _covered(sample, training, n), (sample, training)
        # In order, and merged: two spans never touch or overlap.
        assert all(a < b for a, b in spans)
        assert all(b1 < a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
        # The longest copied passage lies within one span.
        m = memorization(sample, training, n)
        assert m.longest_chars == _longest_copied(sample, training, n)
        if m.longest_chars == 0:
            assert spans == []
        else:
            a0, b0 = m.longest_start, m.longest_start + m.longest_chars
            assert sample[a0:b0] == m.longest_copied and m.longest_copied in training
            assert any(a <= a0 and b0 <= b for a, b in spans)


# ---- default_prompt ----------------------------------------------------------------------------

def test_default_prompt():
    assert default_prompt("First Citizen:\nBefore we proceed") == "First Citizen:"
    assert default_prompt("the quick brown fox\njumps") == "the quick"
    assert default_prompt("\n\n   \n  To   be or not\n") == "To be"  # blank lines skipped
    assert default_prompt("the quick brown fox", words=3) == "the quick brown"
    assert default_prompt(CHINESE) == "长短期记"  # no spaces: the first 4 characters
    assert default_prompt("\n" + CHINESE, unspaced_chars=2) == "长短"
    assert default_prompt("") == "" and default_prompt(" \n\n ") == ""
    # one long "word" (DNA, base64, emoji): its first characters, not the whole line
    assert default_prompt("ACGT" * 700 + "\nTTAG") == "ACGT" * 4
    assert default_prompt("🙂" * 3000) == "🙂" * 16
    assert default_prompt("supercalifragilistic expialidocious") == (
        "supercalifragilistic expialidocious")  # 35 characters: still the first words


# ---- split_text and summarize ------------------------------------------------------------------

CRAFTED = "ab cd ab cd\n" * 2 + "ab zz q\n"  # 24 training characters, then 8 for validation


def test_split_text():
    train, val = split_text(CRAFTED, 0.25)
    assert (train, val) == ("ab cd ab cd\n" * 2, "ab zz q\n")
    assert split_text("abcdefghij", 0.1) == ("abcdefghi", "j")


def test_summarize_counts_at_char_and_word_level():
    char = summarize(CRAFTED, TextConfig(level="char", val_fraction=0.25))
    assert char == TextSummary(level="char", vocab_size=7,  # unknown + a b c d space newline
                               notices=(), characters=32, lines=3, train_chars=24, val_chars=8,
                               train_tokens=24, val_tokens=8)
    word = summarize(CRAFTED, TextConfig(level="word", val_fraction=0.25))
    # Words, spaces and line breaks are tokens: "ab"," ","cd"," ","ab"," ","cd","\n" per line;
    # the vocabulary (unknown + ab, space, cd, newline) is fitted on the training span only.
    assert word == TextSummary(level="word", vocab_size=5, notices=(), characters=32, lines=3,
                               train_chars=24, val_chars=8, train_tokens=16, val_tokens=6)


def test_word_level_on_chinese_falls_back_to_characters():
    summary = summarize(CHINESE, TextConfig(level="word"))
    assert summary.level == "char" and summary.notices == (NO_SPACES_NOTICE,)
    assert summary.train_tokens == summary.train_chars == int(len(CHINESE) * 0.9)
    result = run_text(CHINESE, TextConfig(level="word", epochs=1, embedding_dim=4, hidden_size=8,
                                          num_layers=1, batch_size=2, seq_len=8, length=5))
    assert result.config.level == "char" and result.notices == [NO_SPACES_NOTICE]
    assert result.prompt == "长短期记"


@pytest.mark.parametrize("level", ["char", "word"])
def test_summarize_agrees_with_run_text(level):
    config = TextConfig(level=level, epochs=1, embedding_dim=4, hidden_size=8, num_layers=1,
                        batch_size=2, seq_len=8, length=5, val_fraction=0.15)
    summary = summarize(TEXT, config)
    counts = run_text(TEXT, config).counts
    for key in ("vocab_size", "train_tokens", "val_tokens", "train_chars", "val_chars"):
        assert getattr(summary, key) == getattr(counts, key), key


def test_a_long_validation_span_is_scored_on_its_start_and_said(monkeypatch):
    from lstm_app.text import pipeline as text_pipeline

    config = replace(TINY, epochs=1, val_fraction=0.5)
    whole = run_text(TEXT, config)
    assert whole.counts.scored_tokens > 100 and not any("scored" in n for n in whole.notices)
    monkeypatch.setattr(text_pipeline, "MAX_VAL_TOKENS", 100)
    capped = run_text(TEXT, config)  # 450 validation characters, the first 100 scored
    assert capped.counts.val_tokens == whole.counts.val_tokens == 450
    assert capped.counts.scored_tokens < 100
    assert [n for n in capped.notices if "scored" in n] == [
        "The validation span holds 450 characters; its first 100 are scored, which keeps each "
        "epoch's check to seconds."]
    again = run_text(TEXT, config, start=capped.trained)  # Train more: said once
    assert sum("scored" in n for n in again.notices) == 1
    with speaking("zh"):  # Train more in another language: said once, in that one
        chinese = run_text(TEXT, config, start=capped.trained)
    assert [n for n in chinese.notices if "450" in n] == [
        "验证集有 450 个字符；只给其中前 100 个打分，这样每轮的检查只需几秒。"]


def test_scoring_a_model_just_trained_reads_the_validation_span_once_an_epoch_not_again(
        monkeypatch):
    from lstm_app.text import pipeline as text_pipeline

    trained = text_pipeline.fit_text(TEXT, replace(TINY, epochs=2))
    calls = []
    measure = text_pipeline.validation_loss
    monkeypatch.setattr(text_pipeline, "validation_loss",
                        lambda *args: calls.append(1) or measure(*args))
    result = text_pipeline.score_text(trained, TEXT)
    assert calls == [] and trained.kept_val_loss is not None
    streams = text_pipeline.validation_streams(
        trained.vocab.ids(split_text(TEXT, TINY.val_fraction)[1]), TINY.seq_len)
    assert result.val_loss == pytest.approx(measure(trained.model, streams, TINY.seq_len),
                                            rel=1e-6)  # what reading it again gives
    reloaded = replace(trained, kept_val_loss=None)  # a run reopened from its files
    assert text_pipeline.score_text(reloaded, TEXT).val_loss == pytest.approx(result.val_loss,
                                                                              rel=1e-6)
    assert calls == [1]


# ---- the live timeline -------------------------------------------------------------------------

def test_timeline_has_a_sample_at_every_epoch_end(every_epoch):
    result, payloads = live_run()
    history = result.training.history
    assert len(history) == TINY.epochs and payloads
    prompt = default_prompt(TEXT)
    assert result.prompt == prompt == "the quick"
    for payload in payloads:
        assert payload.prompt == prompt
        assert all(entry.text.startswith(prompt) and len(entry.text) > len(prompt)
                   for entry in payload.timeline)
    # One payload per sample, each a copy: the timeline grows by one entry each time.
    assert [len(p.timeline) for p in payloads] == list(range(1, len(payloads) + 1))
    timeline = payloads[-1].timeline
    assert result.timeline == timeline
    for row in history:
        matching = [e for e in timeline if e.epoch == row.epoch and e.val_loss is not None]
        assert len(matching) == 1, row
        assert matching[0].val_loss == row.val_loss
    # Oldest first.
    assert [e.seconds for e in timeline] == sorted(e.seconds for e in timeline)
    assert [e.epoch for e in timeline] == sorted(e.epoch for e in timeline)


def test_timeline_uses_the_configured_prompt(every_epoch):
    result, payloads = live_run(replace(TINY, prompt="fox", epochs=1))
    assert result.prompt == "fox"
    assert all(p.prompt == "fox" for p in payloads)
    assert all(e.text.startswith("fox") for e in result.timeline)


def test_first_timeline_entry_is_the_untrained_model(every_epoch):
    result, _ = live_run(replace(TINY, device="cpu"))  # the same random draws as the check below
    first = result.timeline[0]
    assert first.epoch < 1 and first.val_loss is None
    # The same text as the untrained model (same seed, same weights) writes from the prompt.
    train_text, _ = split_text(TEXT, TINY.val_fraction)
    vocab, _ = make_vocab(train_text, "char")
    torch.manual_seed(TINY.seed)
    untrained = LanguageModel(LanguageModelShape(len(vocab), TINY.embedding_dim, TINY.hidden_size,
                                                 TINY.num_layers, TINY.dropout, TINY.cell))
    tokens = max(10, round(pipeline.TIMELINE_CHARS / chars_per_token(train_text, vocab)))
    expected = generate(untrained, vocab, result.prompt, tokens, TINY.temperature, seed=TINY.seed)
    k = min(len(expected), len(first.text))
    assert k > len(result.prompt) and first.text[:k] == expected[:k]


def test_mid_first_epoch_samples_are_labelled_below_one(monkeypatch):
    monkeypatch.setattr(pipeline, "SAMPLE_EVERY_SECONDS", 0.0)  # a sample at every record
    result, _ = live_run(replace(TINY, epochs=1))
    mid_epoch = [e for e in result.timeline if e.val_loss is None]
    assert mid_epoch  # 13 batches an epoch: records after batches 5 and 10
    assert all(e.epoch < 1 for e in mid_epoch), [e.epoch for e in mid_epoch]


def test_fast_epochs_are_not_sampled_more_often_than_the_gap(monkeypatch):
    monkeypatch.setattr(pipeline, "MIN_SAMPLE_GAP", 1e9)
    monkeypatch.setattr(pipeline, "SAMPLE_EVERY_SECONDS", 1e9)
    epochs = []
    result, payloads = live_run(on_progress=lambda p: epochs.append(p.epoch)
                                if p.kind == "epoch" else None)
    assert len(result.timeline) == len(payloads) == 1  # only the first, then never due again
    assert epochs == [1, 2, 3]  # on_progress still hears every record


def test_timeline_is_thinned_keeping_the_first_and_latest(every_epoch, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_TIMELINE", 3)
    result, payloads = live_run(replace(TINY, epochs=6))
    first = payloads[0].timeline[0]
    assert len(payloads) >= 6
    for payload in payloads:
        assert 1 <= len(payload.timeline) <= 3
        assert payload.timeline[0] == first
    assert result.timeline == payloads[-1].timeline
    latest = result.timeline[-1]
    assert latest.epoch == 6 and latest.val_loss == result.training.history[-1].val_loss
    # Each payload's newest entry is the sample just taken, and the entries stay oldest first.
    for payload in payloads:
        seconds = [e.seconds for e in payload.timeline]
        assert seconds == sorted(seconds)


def test_live_samples_do_not_change_training(monkeypatch):
    """A sample between batches must not touch the global RNG (dropout masks) or leave eval mode."""
    monkeypatch.setattr(pipeline, "SAMPLE_EVERY_SECONDS", 0.0)  # a sample at every record
    config = replace(TINY, num_layers=2, dropout=0.3, epochs=2)
    plain = run_text(TEXT, config)
    live, payloads = live_run(config)
    assert len(payloads) >= 6  # samples between batches as well as at epoch ends
    strip = lambda history: [replace(row, seconds=None) for row in history]
    assert strip(live.training.history) == strip(plain.training.history)
    assert live.sample == plain.sample
    for a, b in zip(live.model.state_dict().values(), plain.model.state_dict().values()):
        assert torch.equal(a, b)


def test_train_more_keeps_the_earlier_timeline_first(every_epoch):
    first, _ = live_run(replace(TINY, epochs=2))
    earlier = tuple(first.timeline)
    more, payloads = live_run(replace(TINY, epochs=2), start=first.trained)
    assert first.timeline == earlier  # the earlier result is not changed by training more
    assert more.prompt == first.prompt
    assert more.timeline[:len(earlier)] == earlier and len(more.timeline) > len(earlier)
    for payload in payloads:
        assert payload.timeline[:len(earlier)] == earlier
    added = more.timeline[len(earlier):]
    assert all(e.epoch >= 2 for e in added)
    # Train more continues the clock, in the timeline and in the history.
    seconds = [e.seconds for e in more.timeline]
    assert seconds == sorted(seconds)
    history_seconds = [row.seconds for row in more.training.history]
    assert history_seconds == sorted(history_seconds) and len(history_seconds) == 4
    assert [e.val_loss for e in added if e.epoch in (3, 4) and e.val_loss is not None] \
        == [row.val_loss for row in more.training.history[2:]]


# ---- progress ----------------------------------------------------------------------------------

def progress(max_seconds=0.0, elapsed=30.0, kind="batch", epoch=2, step=5):
    return Progress(kind=kind, epoch=epoch, epochs=4, step=step, steps_per_epoch=10,
                    train_loss=1.0, val_loss=None, best_val_loss=None, lr=1e-3, elapsed=elapsed,
                    samples_per_sec=1.0, max_seconds=max_seconds)


def test_fraction_done_with_and_without_a_time_budget():
    assert progress().fraction_done == 1.5 / 4
    assert progress(elapsed=1e6).fraction_done == 1.5 / 4  # no budget: elapsed time is ignored
    assert progress(kind="epoch").fraction_done == 2 / 4
    assert progress(max_seconds=60, elapsed=30).fraction_done == 0.5  # the budget is ahead
    assert progress(max_seconds=60, elapsed=6).fraction_done == 1.5 / 4  # the epochs are ahead
    assert progress(max_seconds=60, elapsed=6, kind="epoch", epoch=4).fraction_done == 1.0


def test_the_time_budget_reaches_progress_records():
    records = []
    run_text(TEXT, replace(TINY, epochs=1, minutes=0.5), Callbacks(on_progress=records.append))
    assert records and all(p.max_seconds == 30.0 for p in records)
    records.clear()
    model = torch.nn.Linear(1, 1)
    batches = lambda generator: [(torch.ones(2, 1), torch.zeros(2, 1))]
    loss = lambda net, batch: torch.nn.functional.mse_loss(net(batch[0]), batch[1])
    Trainer(model, TrainerConfig(epochs=2), records.append).fit(batches, lambda net: 0.0, loss)
    assert len(records) == 2 and all(p.max_seconds == 0.0 for p in records)


@pytest.mark.parametrize("piece", [1, 7, 64])
def test_the_check_reads_the_training_text_piece_by_piece_without_missing_a_seam(monkeypatch,
                                                                                  piece):
    from lstm_app.text import copying
    monkeypatch.setattr(copying, "PIECE", piece)  # a passage across every seam between pieces
    rng = random.Random(piece)
    letters = "ab \U0001F600\u0301\ud800"  # beyond the BMP, combining, a lone surrogate
    for _ in range(40):
        training = "".join(rng.choice(letters) for _ in range(rng.randrange(0, 90)))
        start = rng.randrange(0, 80)
        sample = ("".join(rng.choice(letters) for _ in range(rng.randrange(0, 10)))
                  + training[start:start + rng.randrange(0, 30)])
        for n in (3, 8):
            m = memorization(sample, training, n)
            assert m.longest_chars == _longest_copied(sample, training, n), (sample, training)
            assert {i for a, b in m.spans for i in range(a, b)} == _covered(sample, training, n)


def test_the_memorization_check_carries_the_spans_a_page_highlights():
    # Found once, with the check: the page no longer searches the training text on every redraw
    # (4.7 s per redraw for a 50 MB text).
    sample = "xxto be or not to bexx and then qqqqqqqqq that is the questionzz"
    assert list(memorization(sample, TRAINING).spans) == copied_spans(sample, TRAINING)
    assert memorization("qqqqqqqqqqqqqqqq", TRAINING).spans == ()


def test_a_sample_keeps_its_prompt_apart_from_what_was_written_whatever_their_direction():
    """Neither the prompt nor what the model wrote turns around: the controls that would (which
    a model trained on a text holding them writes too) are left out of both, each isolated."""
    from lstm_app.ui.text_view import highlighted

    drawn = highlighted("Start \u202eRLO <b>x</b>", "written \u202eback", [(0, 7)], 0, 7)
    prompt, written = drawn.split("</b>", 1)[0], drawn.split("</bdi></b>", 1)[1]
    assert prompt.endswith("<b><bdi>Start RLO &lt;b&gt;x&lt;/b&gt;</bdi>")
    assert written.startswith("<bdi><mark") and written.endswith(" back</bdi></div>")
    assert "<b>" not in written and "\u202e" not in drawn


@pytest.mark.parametrize("val_loss, train_chars, kind", [
    (2.0, 100_000, "success"), (2.0, 1_000, "info"),
    (3.9, 100_000, "warning"),  # hardly better than frequency guessing (4.0): not green
    (4.1, 100_000, "warning")])
def test_the_verdicts_colour_says_what_its_words_say(val_loss, train_chars, kind):
    from types import SimpleNamespace

    from lstm_app.ui.text_view import verdict_kind
    result = SimpleNamespace(val_loss=val_loss, baseline_loss=4.0,
                             counts=SimpleNamespace(train_chars=train_chars))
    assert verdict_kind(result) == kind
