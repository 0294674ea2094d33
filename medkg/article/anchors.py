"""Anchor a quote in the article: its character offsets and a little context either side.

A curator writes the exact words; `medkg anchor` prints the Web Annotation selectors for
them, so offsets are never counted by hand.
"""

from dataclasses import dataclass

CONTEXT = 24  # characters of oa:prefix / oa:suffix, enough to place a short quote


class QuoteNotFound(ValueError):
    """The words are not in the text (or not that many times)."""


@dataclass(frozen=True)
class Anchor:
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def anchor(text: str, exact: str, occurrence: int = 1) -> Anchor:
    """Locate the n-th occurrence of `exact` in `text`.

    >>> anchor("a cat and a cat", "cat", occurrence=2)
    Anchor(exact='cat', start=12, end=15, prefix='a cat and a ', suffix='')
    """
    start = -1
    for _ in range(occurrence):
        start = text.find(exact, start + 1)
        if start < 0:
            raise QuoteNotFound(f"{exact!r} does not occur {occurrence} time(s) in the text")
    end = start + len(exact)
    return Anchor(
        exact, start, end, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    )
