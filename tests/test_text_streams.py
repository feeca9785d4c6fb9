import pytest
import torch

from lstm_app.text.streams import chunks, n_chunks, to_streams


def test_each_stream_is_one_contiguous_stretch_and_the_tail_is_dropped():
    streams = to_streams(torch.arange(26), 4)
    assert streams.tolist() == [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10, 11],
        [12, 13, 14, 15, 16, 17],
        [18, 19, 20, 21, 22, 23],
    ]  # 24 and 25 dropped


def test_chunks_shift_targets_by_one_and_the_last_is_shorter():
    streams = to_streams(torch.arange(26), 4)
    pairs = [(x.tolist(), y.tolist()) for x, y in chunks(streams, 2)]
    assert n_chunks(streams, 2) == len(pairs) == 3
    assert pairs[0] == ([[0, 1], [6, 7], [12, 13], [18, 19]], [[1, 2], [7, 8], [13, 14], [19, 20]])
    assert pairs[1] == ([[2, 3], [8, 9], [14, 15], [20, 21]], [[3, 4], [9, 10], [15, 16], [21, 22]])
    assert pairs[2] == ([[4], [10], [16], [22]], [[5], [11], [17], [23]])


def test_n_chunks_when_length_minus_one_divides():
    streams = to_streams(torch.arange(21), 3)  # length 7: 6 inputs per stream
    assert n_chunks(streams, 2) == len(list(chunks(streams, 2))) == 3
    assert all(x.shape == (3, 2) for x, _ in chunks(streams, 2))


def test_streams_and_chunks_are_views_not_copies():
    ids = torch.arange(26)
    streams = to_streams(ids, 4)
    assert streams.untyped_storage().data_ptr() == ids.untyped_storage().data_ptr()
    for x, y in chunks(streams, 2):
        assert x.untyped_storage().data_ptr() == streams.untyped_storage().data_ptr()
        assert y.untyped_storage().data_ptr() == streams.untyped_storage().data_ptr()


def test_text_too_short_for_the_streams_is_refused():
    with pytest.raises(ValueError) as error:
        to_streams(torch.arange(7), 4)
    assert str(error.value) == ("The text is too short for a batch size of 4; use a smaller "
                                "batch size or a longer text.")
