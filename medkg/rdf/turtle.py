"""Small helpers to write Turtle by hand-readable rules (used by `medkg anchor` and `medkg sentences`)."""

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string(value: str, lang: str | None = None) -> str:
    """A Turtle string literal on one line, with an optional language tag.

    >>> print(string('say "hi"\\n', "en"))
    "say \\"hi\\"\\n"@en
    """
    body = "".join(_ESCAPES.get(ch, ch) for ch in value)
    return f'"{body}"' + (f"@{lang}" if lang else "")
