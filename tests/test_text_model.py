"""The language model, generation and the memorization check, on tiny texts."""

import math
import json
import subprocess
import sys

import pytest
import torch

from lstm_app.text import generate as generate_module
from lstm_app.text.corpus import CharVocab
from lstm_app.text.copying import memorization
from lstm_app.text.generate import _filtered_probs, generate
from lstm_app.text.model import LanguageModel, LanguageModelShape, detach_state
from lstm_app.text.pipeline import run_text
from lstm_app.text.settings import TextConfig
from tests.conftest import REPO

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


def tiny_model(vocab_size=10, cell="lstm"):
    torch.manual_seed(0)
    return LanguageModel(LanguageModelShape(vocab_size, embedding_dim=4, hidden_size=8,
                                            num_layers=2, cell=cell))


def test_state_is_carried_and_detached():
    model = tiny_model()
    x = torch.randint(0, 10, (3, 5))
    _, loss, state = model(x, x)
    assert loss is not None and state[0].shape == (2, 3, 8)  # (layers, streams, hidden)
    cut = detach_state(state)
    assert all(not s.requires_grad for s in cut) and state[0].requires_grad
    # Reading two chunks with the state carried equals reading them in one go (no dropout).
    model.eval()
    whole, _, _ = model(torch.cat([x, x], dim=1))
    _, _, first = model(x)
    second, _, _ = model(x, state=first)
    assert torch.allclose(whole[:, 5:], second, atol=1e-6)
    gru_state = tiny_model(cell="gru")(x)[2]
    assert detach_state(gru_state).shape == (2, 3, 8) and detach_state(None) is None


def test_generation_is_deterministic_with_a_seed_and_greedy():
    vocab = CharVocab().fit(TEXT)
    model = tiny_model(len(vocab))
    a = generate(model, vocab, "the", 30, temperature=1.0, seed=3)
    b = generate(model, vocab, "the", 30, temperature=1.0, seed=3)
    c = generate(model, vocab, "the", 30, temperature=1.0, seed=4)
    assert a == b and a != c and a.startswith("the") and len(a) == 33
    assert generate(model, vocab, "the", 20, greedy=True) == generate(model, vocab, "the", 20,
                                                                       temperature=0)
    unseeded = {generate(model, vocab, "the", 30, temperature=1.0) for _ in range(4)}
    assert len(unseeded) > 1  # without a seed, each call draws its own sample


# Pinned before generation stopped computing logits for every prompt token: for a given seed,
# the text written must stay what it was.
@pytest.mark.parametrize("cell, prompt, options, expected", [
    ("lstm", "the lazy", dict(temperature=1.0, seed=3), "tabtojwflzfddvbqh sguacxzui.wqajolhwx hk"),
    ("lstm", "over the quick brown fox " * 3, dict(temperature=0.7, top_k=5, top_p=0.9, seed=11),
     "zzcdhcxcdadcazxzxzdcxdccdxcdxxdhxxzdcxac"),
    ("lstm", "dog", dict(greedy=True), "cccccccccccccccccccccccccccccc"),
    ("gru", "the lazy", dict(temperature=1.0, seed=3), "taytsjwllnfddvbqh sguwcxzui.wjbjolhwx ek"),
    ("gru", "over the quick brown fox " * 3, dict(temperature=0.7, top_k=5, top_p=0.9, seed=11),
     "dpydydppwddnpwnwppdwd wyppwdwpddwwppwyyn"),
])
def test_the_text_written_for_a_seed_is_what_it_always_was(cell, prompt, options, expected):
    vocab = CharVocab().fit(TEXT)
    out = generate(tiny_model(len(vocab), cell), vocab, prompt, len(expected), **options)
    assert out == prompt + expected


def test_a_long_prompt_reaches_the_output_layer_as_its_last_step_only(monkeypatch):
    vocab = CharVocab().fit(TEXT)
    model = tiny_model(len(vocab))
    seen = []
    model.head.register_forward_hook(lambda layer, inputs, output: seen.append(inputs[0].shape))
    generate(model, vocab, TEXT * 5, 3, seed=0)  # a prompt of 9,000 characters
    # Each piece of the prompt is projected at its last step only, then each new token.
    assert len(seen) == 9 + 3 and set(seen) == {torch.Size([1, 1, 8])}
    # Read in pieces or at once, the prompt leads to the same text.
    in_pieces = generate(model, vocab, TEXT * 5, 20, seed=1)
    monkeypatch.setattr(generate_module, "PROMPT_PIECE", 10**9)
    assert generate(model, vocab, TEXT * 5, 20, seed=1) == in_pieces
    logits, _, _ = model(torch.tensor([vocab.encode(TEXT)]), last_only=True)
    whole, _, _ = model(torch.tensor([vocab.encode(TEXT)]))
    assert logits.shape == (1, 1, len(vocab)) and torch.allclose(logits[0, 0], whole[0, -1])


def test_unknown_prompt_characters_do_not_crash():
    vocab = CharVocab().fit(TEXT)
    out = generate(tiny_model(len(vocab)), vocab, "Ωμέγα 🙂", 5, seed=0)
    assert out.startswith("Ωμέγα 🙂") and len(out) == len("Ωμέγα 🙂") + 5


def test_top_k_and_top_p_keep_only_the_likeliest():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    assert torch.allclose(_filtered_probs(logits, 2, 1.0), torch.tensor([0.625, 0.375, 0, 0]))
    # top-p 0.7: 0.5 alone is below 0.7, so 0.3 joins; 0.15 starts past 0.8 and is dropped.
    assert torch.allclose(_filtered_probs(logits, 0, 0.7), torch.tensor([0.625, 0.375, 0, 0]))
    assert torch.allclose(_filtered_probs(logits, 0, 0.1), torch.tensor([1.0, 0, 0, 0]))


def test_memorization_on_a_crafted_sample():
    training = "to be or not to be, that is the question"
    m = memorization("xxto be or not to bexx", training)
    assert m.longest_copied == "to be or not to be" and m.longest_start == 2
    assert m.longest_chars == 18
    # 15 eight-character pieces; those inside "to be or not to be" (11 of them) are copied.
    assert m.copied_ngram_share == 11 / 15
    none = memorization("qqqqqqqqqqqq", training)
    assert none.longest_chars == 0 and none.copied_ngram_share == 0.0
    assert memorization("short", training).longest_copied == ""


def test_run_text_reports_comparable_scores():
    result = run_text(TEXT, TextConfig(epochs=2, hidden_size=16, num_layers=1, batch_size=4,
                                       seq_len=16, prompt="the", length=20))
    assert len(result.training.history) == 2
    assert result.sample.startswith("the") and len(result.sample) == 23
    assert 0 < result.val_loss < 5 and abs(result.perplexity - torch.tensor(result.val_loss).exp()) < 1e-3
    # At character level, bits per character is nats per token over ln 2.
    assert abs(result.bits_per_char - result.val_loss / 0.6931471805599453) < 1e-6
    assert result.counts.val_chars == len(TEXT) - int(len(TEXT) * 0.9)


def test_word_level_bits_per_char_use_characters_per_word():
    result = run_text(TEXT, TextConfig(level="word", epochs=1, hidden_size=8, num_layers=1,
                                       batch_size=2, seq_len=8, length=5))
    assert result.config.level == "word" and result.counts.vocab_size <= 12
    assert result.bits_per_char < result.val_loss / 0.6931471805599453  # several characters a word


def test_text_command_end_to_end(tmp_path):
    corpus, report = tmp_path / "corpus.txt", tmp_path / "report.json"
    corpus.write_text(TEXT)
    done = subprocess.run([sys.executable, "-m", "lstm_app", "text", str(corpus), "--epochs", "1",
                           "--hidden-size", "16", "--num-layers", "1", "--batch-size", "4",
                           "--seq-len", "16", "--prompt", "the", "--length", "30", "--quiet",
                           "--report", str(report)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    for key in ("config", "vocab_size", "counts", "val_loss", "perplexity", "bits_per_char",
                "history", "tokens_per_second", "seconds", "sample"):
        assert key in data
    assert data["sample"]["text"].startswith("the") and "memorization" in data["sample"]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    bad = subprocess.run([sys.executable, "-m", "lstm_app", "text", str(empty)], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "empty" in bad.stderr


def test_a_sample_too_short_for_one_piece_is_not_scored_for_copying(tmp_path, capsys):
    from lstm_app.cli import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT)
    assert main(["text", str(corpus), "--epochs", "1", "--hidden-size", "16", "--batch-size",
                 "4", "--seq-len", "16", "--prompt", "the", "--length", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "--- the sample is too short to look for copying: it writes fewer than 8 characters " \
        "after the prompt" in out and "pieces occur" not in out


def test_a_short_text_verdict_is_fragile_and_the_copying_has_a_yardstick():
    result = run_text(TEXT, TextConfig(epochs=1, hidden_size=16, num_layers=1, batch_size=4,
                                       seq_len=16, length=60))
    assert result.counts.scored_tokens >= 50
    assert result.verdict.endswith(f"Your text is short ({result.counts.train_chars:,} characters "
                                   f"to learn from), so this verdict is fragile: another stretch "
                                   f"of the same text could score quite differently.")
    # The text repeats one sentence: what it never trained on is all in the training text.
    assert result.unseen_copied == 1.0


def test_a_text_long_enough_has_no_caveat():
    from lstm_app.text.scoring import SHORT_TEXT, verdict

    sentence = verdict(1.5, 3.0, 5_000, 5_000, 0.3, "char", train_chars=SHORT_TEXT)
    assert "fragile" not in sentence and "less uncertainty" in sentence


def test_a_model_that_learnt_its_text_by_heart_is_not_told_to_train_longer():
    from lstm_app.text.scoring import SHORT_TEXT, verdict

    # lstm_zh.txt with its suggested settings: training loss 0.003, unseen text worse than
    # frequency guessing. Before, the verdict said "Train longer, or with a larger learning rate".
    short = verdict(6.75, 5.63, 213, 213, 1.0, "char", train_chars=1_936, train_loss=0.003)
    assert "by heart" in short and "Train longer" not in short
    assert "More text is the cure" in short
    long = verdict(2.2, 2.1, 5_000, 5_000, 0.5, "char", train_chars=SHORT_TEXT, train_loss=0.2)
    assert "More dropout or fewer hidden units" in long
    # Not learnt at all (training loss as high as the guess): train longer is right.
    slow = verdict(2.2, 2.1, 5_000, 5_000, 0.1, "char", train_chars=SHORT_TEXT, train_loss=2.0)
    assert "Train longer" in slow


def test_a_model_hardly_better_than_the_frequency_guess_is_told_it_has_only_begun():
    from lstm_app.text.scoring import SHORT_TEXT, verdict

    # 2 epochs on a text: 5.44 bits per character against the guess's 5.52 (1.5% better)
    begun = verdict(5.44, 5.52, 5_000, 5_000 / math.log(2), 0.1, "char",
                    train_chars=SHORT_TEXT, train_loss=5.4)
    assert begun.startswith("The model needs 5.44 bits per character on text it never saw, "
                            "hardly better than guessing each character by its frequency "
                            "(5.52): it has only begun to learn how the text goes on.")
    assert "learnt how the text goes on, with" not in begun
    assert "less uncertainty" in verdict(4.0, 5.52, 5_000, 5_000 / math.log(2), 0.1, "char",
                                         train_chars=SHORT_TEXT, train_loss=4.0)


def test_a_model_that_stopped_early_at_the_frequency_guess_is_not_told_to_train_longer():
    from lstm_app.text.scoring import SHORT_TEXT, verdict

    # 70 Tang poems (2,838 characters): early stopping at epoch 18, 3% better than the guess.
    # The verdict said "Train longer, or with a larger learning rate" beside "stopped early".
    short = verdict(5.2, 5.35, 300, 300, 0.1, "char", train_chars=2_500, train_loss=5.0,
                    stop_reason="early_stopping")
    assert "only begun" in short and "Train longer" not in short
    assert "training longer will not help: a text this short holds too little" in short
    long = verdict(2.2, 2.1, 5_000, 5_000, 0.1, "char", train_chars=SHORT_TEXT, train_loss=2.0,
                   stop_reason="early_stopping")
    assert "Train longer" not in long and "try other settings" in long
    # Stopped by its epochs or the time budget: training longer is still the advice.
    assert "Train longer" in verdict(2.2, 2.1, 5_000, 5_000, 0.1, "char", train_chars=2_500,
                                     train_loss=2.0)
    # Learnt its text by heart: the cure is said once, without the early-stopping advice.
    heart = verdict(6.75, 5.63, 213, 213, 1.0, "char", train_chars=1_936, train_loss=0.003,
                    stop_reason="early_stopping")
    assert "More text is the cure" in heart and "will not help" not in heart
    # Blown up: a smaller learning rate, not a larger one
    blown = verdict(2.2, 2.1, 5_000, 5_000, 0.1, "char", train_chars=SHORT_TEXT, train_loss=2.0,
                    stop_reason="diverged")
    assert "smaller learning rate" in blown and "larger learning rate" not in blown
