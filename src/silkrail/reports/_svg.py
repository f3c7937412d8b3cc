"""Small inline-SVG charts for the study report: no JavaScript, no network, no matplotlib.

Each function returns one ``<svg>`` element as text. Colours: the baseline grey, the scenario
blue, everywhere in the report.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["BASE", "SCEN", "bar_chart", "box_chart", "line_chart", "nice_max"]

BASE = "#8c8c8c"
SCEN = "#1f6fb4"
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def nice_max(value: float) -> float:
    """Return a round axis maximum at or above `value`.

    Examples
    --------
    >>> nice_max(7.3), nice_max(0.0), nice_max(130.0)
    (8.0, 1.0, 150.0)
    """
    if not value > 0 or not math.isfinite(value):
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * exp >= value:
            return step * exp
    return 10.0 * exp  # pragma: no cover - the loop always returns


def _step(raw: float) -> float:
    """Return a round tick step at or above `raw`: 1, 2 or 5 times a power of ten."""
    if not raw > 0:
        return 1.0
    exp = 10.0 ** math.floor(math.log10(raw))
    return next(m * exp for m in (1.0, 2.0, 5.0, 10.0) if m * exp >= raw)


def _ticks(top: float, n: int = 5) -> list[float]:
    return [top * k / n for k in range(n + 1)]


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 or v == int(v) else f"{v:.1f}"


def _legend(x: float, y: float, items: Sequence[tuple[str, str, bool]]) -> str:
    out = []
    for k, (label, colour, dashed) in enumerate(items):
        yy = y + 16 * k
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        out.append(
            f'<line x1="{x}" y1="{yy}" x2="{x + 18}" y2="{yy}" stroke="{colour}" '
            f'stroke-width="3"{dash}/><text x="{x + 24}" y="{yy + 4}">{escape(label)}</text>'
        )
    return "".join(out)


def bar_chart(
    categories: Sequence[str],
    baseline: Sequence[float] | None,
    scenario: Sequence[float],
    *,
    unit: str,
    title: str,
    width: int = 560,
) -> str:
    """Horizontal grouped bars: one category a row, the baseline above the scenario."""
    left, right, row = 150, 110, 34 if baseline is not None else 22
    height = 40 + row * len(categories) + 30
    values = [*scenario, *(baseline or [])]
    top = nice_max(max((v for v in values if math.isfinite(v)), default=0.0))
    plot = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" {_FONT}>',
        f'<text x="{left}" y="16" font-weight="600">{escape(title)}</text>',
    ]
    for t in _ticks(top, 4):
        x = left + plot * t / top
        parts.append(
            f'<line x1="{x:.1f}" y1="28" x2="{x:.1f}" y2="{height - 24}" stroke="#e3e3e3"/>'
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{_fmt(t)}</text>'
        )
    parts.append(
        f'<text x="{left + plot}" y="{height - 10}" text-anchor="start" dx="8">'
        f"{escape(unit)}</text>"
    )
    for k, cat in enumerate(categories):
        y0 = 32 + row * k
        parts.append(
            f'<text x="{left - 8}" y="{y0 + row / 2:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(cat)}</text>'
        )
        bars = (
            [(scenario[k], SCEN)]
            if baseline is None
            else [
                (baseline[k], BASE),
                (scenario[k], SCEN),
            ]
        )
        for j, (v, colour) in enumerate(bars):
            v = v if math.isfinite(v) else 0.0
            y = y0 + 2 + 14 * j
            w = plot * v / top
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="12" fill="{colour}"/>'
                f'<text x="{left + w + 4:.1f}" y="{y + 10}">{_fmt(v)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    series: Sequence[tuple[str, Sequence[float], Sequence[float], str, bool]],
    *,
    x_label: str,
    y_label: str,
    title: str,
    width: int = 900,
    height: int = 300,
) -> str:
    """Lines over a shared x axis: ``(label, x, y, colour, dashed)`` a series."""
    left, right, top_m, bottom = 56, 250, 28, 40
    xs = [x for _, xv, _, _, _ in series for x in xv]
    ys = [y for _, _, yv, _, _ in series for y in yv if math.isfinite(y)]
    x_max = max(xs, default=1.0) or 1.0
    y_max = nice_max(max(ys, default=0.0))
    pw, ph = width - left - right, height - top_m - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" {_FONT}>',
        f'<text x="{left}" y="16" font-weight="600">{escape(title)}</text>',
    ]
    for t in _ticks(y_max, 4):
        y = top_m + ph * (1 - t / y_max)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(t)}</text>'
        )
    for t in _ticks(x_max, 6):
        x = left + pw * t / x_max
        parts.append(
            f'<text x="{x:.1f}" y="{top_m + ph + 16}" text-anchor="middle">{_fmt(t)}</text>'
        )
    parts.append(
        f'<text x="{left + pw / 2}" y="{height - 4}" text-anchor="middle">{escape(x_label)}</text>'
        f'<text transform="translate(14 {top_m + ph / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    for _, xv, yv, colour, dashed in series:
        pts = " ".join(
            f"{left + pw * x / x_max:.1f},"
            f"{top_m + ph * (1 - (y if math.isfinite(y) else 0) / y_max):.1f}"
            for x, y in zip(xv, yv, strict=True)
        )
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>'
        )
    parts.append(_legend(left + pw + 16, top_m + 8, [(s[0], s[3], s[4]) for s in series]))
    parts.append("</svg>")
    return "".join(parts)


def box_chart(
    rows: Sequence[tuple[str, Sequence[float] | None, Sequence[float] | None]],
    *,
    unit: str,
    title: str,
    width: int = 900,
) -> str:
    """Horizontal boxes (5th, 25th, 50th, 75th, 95th percentiles), baseline over scenario.

    `rows` holds ``(label, baseline quantiles, scenario quantiles)``; ``None`` draws nothing.
    """
    left, right, row = 300, 40, 40
    height = 36 + row * len(rows) + 34
    values = [v for _, b, s in rows for q in (b, s) if q is not None for v in q]
    lo = max(0.0, math.floor(min(values, default=0.0)) - 1.0)
    step = _step((max(values, default=1.0) - lo) / 6)
    lo = step * math.floor(lo / step)
    hi = lo + step * math.ceil((max(values, default=1.0) - lo) / step)
    n_ticks = round((hi - lo) / step)
    plot = width - left - right

    def px(v: float) -> float:
        return left + plot * (v - lo) / (hi - lo if hi > lo else 1.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" {_FONT}>',
        f'<text x="{left}" y="16" font-weight="600">{escape(title)}</text>',
    ]
    for k in range(n_ticks + 1):
        t = lo + step * k
        x = px(t)
        parts.append(
            f'<line x1="{x:.1f}" y1="28" x2="{x:.1f}" y2="{height - 28}" stroke="#e3e3e3"/>'
            f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">{_fmt(t)}</text>'
        )
    parts.append(
        f'<text x="{left + plot / 2}" y="{height - 1}" text-anchor="middle">{escape(unit)}</text>'
    )
    for k, (label, base, scen) in enumerate(rows):
        y0 = 32 + row * k
        parts.append(
            f'<text x="{left - 8}" y="{y0 + row / 2 - 2:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
        for j, (q, colour) in enumerate(((base, BASE), (scen, SCEN))):
            if q is None:
                continue
            y = y0 + 4 + 16 * j
            p5, p25, p50, p75, p95 = (px(v) for v in q)
            parts.append(
                f'<line x1="{p5:.1f}" y1="{y + 6}" x2="{p95:.1f}" y2="{y + 6}" stroke="{colour}"/>'
                f'<rect x="{p25:.1f}" y="{y}" width="{max(p75 - p25, 1):.1f}" height="12" '
                f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
                f'<line x1="{p50:.1f}" y1="{y}" x2="{p50:.1f}" y2="{y + 12}" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
