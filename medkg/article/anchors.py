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


def occurrences(text: str, exact: str) -> list[int]:
    """Where `exact` starts in `text`, every time (overlapping ones included).

    >>> occurrences("a cat and a cat", "cat")
    [2, 12]
    """
    found, start = [], text.find(exact)
    while exact and start >= 0:
        found.append(start)
        start = text.find(exact, start + 1)
    return found


def anchor(text: str, exact: str, occurrence: int = 1) -> Anchor:
    """Locate the n-th occurrence of `exact` in `text`.

    >>> anchor("a cat and a cat", "cat", occurrence=2)
    Anchor(exact='cat', start=12, end=15, prefix='a cat and a ', suffix='')
    """
    found = occurrences(text, exact)
    if not found:
        raise QuoteNotFound(f"{exact!r} does not occur in the text")
    if not 1 <= occurrence <= len(found):
        raise QuoteNotFound(f"{exact!r} occurs {len(found)} time(s) in the text, so --occurrence must be "
                            f"1 to {len(found)}, not {occurrence}")
    start = found[occurrence - 1]
    end = start + len(exact)
    return Anchor(
        exact, start, end, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    )
