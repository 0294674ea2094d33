"""Text every command reads, decoded strictly: a file's bytes as UTF-8, an argument as the
characters the shell gave. Python's defaults let bad input through to a traceback far from
where it came in: `read_text` raised UnicodeDecodeError with no file name, and an argument whose
bytes are not UTF-8 arrives holding lone surrogates (os.fsdecode's surrogateescape) that raise
UnicodeEncodeError wherever they are first written out. Both become one InputError line (exit 2)
saying which file (at which line and column) or which argument, and what to do.

>>> argument("x=\\udcff", "--param x")
Traceback (most recent call last):
medkg.errors.InputError: --param x: not valid UTF-8 text (byte 0xff at character 3, as the shell passed it); retype it
"""

from pathlib import Path

from medkg.errors import InputError
from medkg.project_files import relative


def decode(raw: bytes, path: Path) -> str:
    """`raw` (the bytes of `path`) as UTF-8, or InputError at the line and column of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[:e.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise InputError(f"{relative(path)}:{line}:{column}: not UTF-8 text (byte 0x{raw[e.start]:02x}: {e.reason}); "
                         "save the file as UTF-8") from None


def read_text(path: Path) -> str:
    """The file's text, decoded strictly (newlines as written), or InputError naming it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{relative(path)}: cannot read ({e.strerror or e})") from None
    return decode(raw, path)


def argument(text: str, what: str) -> str:
    """`text`, an argument of the command line, or InputError when it holds a lone surrogate (the
    shell passed bytes that are not UTF-8, or a surrogate code point was written out)."""
    for i, c in enumerate(text):
        if "\ud800" <= c <= "\udfff":
            byte = f"byte 0x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else f"U+{ord(c):04X}, a lone surrogate,"
            raise InputError(f"{what}: not valid UTF-8 text ({byte} at character {i + 1}, as the shell passed it); retype it")
    return text
