"""The annotated article: the text cut at every quote's start and end, each piece knowing which
claims quote it, so that overlapping and nested quotes need no nesting of HTML elements.

Offsets are Unicode code points, as in the graph: Python's string indices."""

from dataclasses import dataclass
from html import escape

from medkg.site.claims import Claim


@dataclass
class Piece:
    text: str
    claims: list[Claim]  # the claims whose quote covers this piece, shortest quote first
    starts: list[Claim]  # claims whose quote starts with this piece: their anchors precede it
    ends: list[Claim]  # claims whose quote ends with this piece: their markers follow it
    free: str = ""  # inside a claim-free sentence: why it is claim-free
    free_end: bool = False  # the sentence's last piece: its reason is shown after it


@dataclass
class Sentence:
    start: int
    end: int
    reason: str  # why it is claim-free; "" for sentences that claims quote


def pieces(text: str, claims: list[Claim], claim_free: list[Sentence]) -> list[Piece]:
    cuts = {0, len(text)}
    for c in claims:
        if 0 <= c.start <= c.end <= len(text):
            cuts.update((c.start, c.end))
    for s in claim_free:
        cuts.update((s.start, s.end))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        covering = sorted((c for c in claims if c.start <= a and b <= c.end), key=lambda c: (c.end - c.start, c.start, c.slug))
        ending = sorted((c for c in covering if c.end == b), key=lambda c: (c.start, c.slug))
        starting = sorted((c for c in covering if c.start == a), key=lambda c: (c.start, c.slug))
        free = next((s for s in claim_free if s.start <= a and b <= s.end), None)
        out.append(Piece(text[a:b], covering, starting, ending, free.reason if free else "", free is not None and free.end == b))
    return out


def html(parts: list[Piece], numbers: dict[str, int]) -> str:
    """The text as HTML, exact to the character: a highlight per piece, styled by its innermost
    claim, listing every claim that quotes it; after a quote's last piece, its numbered marker
    (a link to its card). Written here, not in a template, so no whitespace slips in."""
    out = []
    for p in parts:
        out += [f'<span class="anchor" id="q-{c.slug}"></span>' for c in p.starts]
        text = escape(p.text, quote=False)
        if p.claims:
            first = p.claims[0]
            many = " multi" if len(p.claims) > 1 else ""
            slugs = " ".join(c.slug for c in p.claims)
            out.append(f'<span class="hl k-{first.family} c{first.certainty_rank}{many}" data-claims="{slugs}">{text}</span>')
        elif p.free:
            out.append(f'<span class="free">{text}</span>')
        else:
            out.append(text)
        for c in p.ends:
            mark = "\u2020" if c.corrected else ""
            said = ", with a curator correction" if c.corrected else ""
            out.append(f'<a class="marker k-{c.family} c{c.certainty_rank}" href="#card-{c.slug}" data-claim="{c.slug}" '
                       f'aria-label="claim {numbers[c.slug]}: {escape(c.label)} ({escape(c.certainty)}{said})">'
                       f'{numbers[c.slug]}{mark}</a>')
        if p.free_end:
            out.append(f'<small class="why">claim-free: {escape(p.free)}</small>')
    return "".join(out)
