"""The drug page's picture: its claims by kind, one square per claim, filled as high as the claim
is stated firmly (established full, contested one sixth). Drawn at build time as SVG with a
title and a description, so it needs no script and reads out as text."""

from html import escape

from medkg.rdf.namespaces import SVG
from medkg.site.claims import FAMILY_LABELS, Claim

ROWS = ("use", "off-label", "historical", "risk", "interaction", "form")  # the article's questions, in its order
CELL, GAP, LEFT, TOP, ROW = 22, 6, 210, 34, 34


def drawing(claims: list[Claim], root: str, levels: dict[int, str]) -> str:
    """`levels`: the certainty scale, rank -> label (ontology/certainty.ttl)."""
    top = max(levels)
    rows = [(family, [c for c in claims if c.family == family]) for family in ROWS]
    rows = [(f, cs) for f, cs in rows if cs]
    widest = max((len(cs) for _, cs in rows), default=1)
    width = max(LEFT + widest * (CELL + GAP) + 20, 110 * len(levels))
    height = TOP + len(rows) * ROW + 46
    summary = "; ".join(f"{FAMILY_LABELS[f]}: {len(cs)} ({_by_certainty(cs)})" for f, cs in rows)
    out = [
        f'<svg xmlns="{SVG}" role="group" aria-labelledby="chart-title" aria-describedby="chart-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="chart">',
        '<title id="chart-title">The article\'s claims about the drug, by kind</title>',
        f'<desc id="chart-desc">One square per claim, filled as high as the article states it firmly. {escape(summary)}.</desc>',
        '<text x="0" y="18" class="chart-head">Claims by kind: the fuller the square, the more firmly the article states it</text>',
    ]
    for i, (family, members) in enumerate(rows):
        y = TOP + i * ROW
        out.append(f'<text x="0" y="{y + CELL - 6}" class="chart-label">{escape(FAMILY_LABELS[family])} ({len(members)})</text>')
        for j, c in enumerate(sorted(members, key=lambda c: (-c.certainty_rank, c.start, c.slug))):
            x = LEFT + j * (CELL + GAP)
            filled = round(CELL * c.certainty_rank / top)
            out.append(
                f'<a href="{root}claim/{escape(c.slug)}.html" aria-label="{escape(c.label)} ({escape(c.certainty)})">'
                f'<title>{escape(c.label)}: {escape(c.certainty)}</title>'
                f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" class="cell k-{family}"/>'
                f'<rect x="{x}" y="{y + CELL - filled}" width="{CELL}" height="{filled}" class="fill k-{family}"/></a>'
            )
    legend_y = TOP + len(rows) * ROW + 16
    for k, rank in enumerate(sorted(levels, reverse=True)):
        x = k * 110
        filled = round(14 * rank / top)
        out.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" class="cell k-legend"/>'
                   f'<rect x="{x}" y="{legend_y + 14 - filled}" width="14" height="{filled}" class="fill k-legend"/>'
                   f'<text x="{x + 18}" y="{legend_y + 12}" class="chart-legend">{escape(levels[rank])}</text>')
    out.append("</svg>")
    return "".join(out)


def _by_certainty(claims: list[Claim]) -> str:
    counts: dict[str, int] = {}
    for c in sorted(claims, key=lambda c: -c.certainty_rank):
        counts[c.certainty] = counts.get(c.certainty, 0) + 1
    return ", ".join(f"{n} {level}" for level, n in counts.items())
