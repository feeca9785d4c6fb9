"""Writing systems: which characters belong to scripts written without spaces between words, so
that a text in them is read by character (the classifier's level, the text task's word level,
a prompt taken from a text)."""

from __future__ import annotations

import re

# CJK ideographs (with their extensions beyond the BMP), kana (half-width too), Bopomofo, Thai,
# Lao, Khmer, Myanmar.
UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff"
                      r"\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                      r"\uff66-\uff9f\U00020000-\U0003134f]")
