"""Checking that a model's evidence quote really is in the learner's answer.

A quote counts only if, after normalising whitespace and case (and undoing the delimiter
escaping the prompt applied), it is a substring of the answer. This stops a judge from
crediting an answer with words it never wrote.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
# The prompt shows the answer with angle brackets swapped for look-alikes (see prompt.py);
# a quote copied from that view must still match the learner's original text.
_UNESCAPE = str.maketrans({"\u2039": "<", "\u203a": ">"})
# Quotes a model wraps around its excerpt are not part of the learner's words.
_WRAPPERS = "\"'`\u201c\u201d\u2018\u2019 "


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_UNESCAPE)).strip().casefold()


def quote_in_answer(quote: str, answer: str) -> bool:
    """True when ``quote`` is non-empty and occurs in ``answer`` (whitespace and case aside)."""
    needle = normalise(quote).strip(_WRAPPERS)
    return bool(needle) and needle in normalise(answer)
