"""Small inline SVG charts (no JavaScript, no external library): stacked daily bars and rate lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from markupsafe import Markup

PALETTE = ("#1f6feb", "#2da44e", "#d4a72c", "#cf222e", "#8250df", "#57606a")
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 50, 28, 10  # PAD_LEFT fits "100%"


def _axis(days: Sequence[date], top: float, unit: str) -> list[str]:
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    parts = [f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - PAD_BOTTOM}" '
             'stroke="#8c959f"/>']
    for fraction in (0.0, 0.5, 1.0):
        y = HEIGHT - PAD_BOTTOM - fraction * plot_h
        label = f"{top * fraction:.0f}{unit}"
        parts.append(f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="13">{label}</text>')
    step = max(1, len(days) // 6)
    slot = (WIDTH - PAD_LEFT) / max(len(days), 1)
    for i in range(0, len(days), step):
        x = PAD_LEFT + slot * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="13">'
                     f'{days[i].strftime("%d/%m")}</text>')
    return parts


def _legend(names: Sequence[str]) -> str:
    items = "".join(f'<span class="legend-item"><i class="swatch-{i % len(PALETTE)}"></i>'
                    f'{escape(name)}</span>' for i, name in enumerate(names))
    return f'<div class="legend">{items}</div>'


def stacked_bars(days: Sequence[date], series: Sequence[str], values: Mapping[tuple[date, str], int],
                 title: str) -> Markup:
    totals = [sum(values.get((day, s), 0) for s in series) for day in days]
    top = max([*totals, 1])
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT) / max(len(days), 1)
    parts = _axis(days, top, "")
    for i, day in enumerate(days):
        y = float(HEIGHT - PAD_BOTTOM)
        for j, name in enumerate(series):
            count = values.get((day, name), 0)
            if not count:
                continue
            h = count / top * plot_h
            y -= h
            parts.append(f'<rect x="{PAD_LEFT + slot * i + 1:.1f}" y="{y:.1f}" width="{max(slot - 2, 1):.1f}" '
                         f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{day:%d/%m} '
                         f'{escape(name)}: {count}</title></rect>')
    svg = (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">'
           f'{"".join(parts)}</svg>')
    return Markup(svg + _legend(series))


def rate_lines(days: Sequence[date], series: Mapping[str, str], rates: Mapping[date, Mapping[str, float]],
               title: str) -> Markup:
    """``series``: key → label; ``rates``: day → key → fraction (days without questions are skipped)."""
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT) / max(len(days), 1)
    parts = _axis(days, 100, "%")
    for j, key in enumerate(series):
        points = [f"{PAD_LEFT + slot * (i + 0.5):.1f},{HEIGHT - PAD_BOTTOM - rates[day][key] * plot_h:.1f}"
                  for i, day in enumerate(days) if rates.get(day)]
        if points:
            color = PALETTE[j % len(PALETTE)]
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>')
            parts += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.5" fill="{color}"/>'
                      for p in points]
    svg = (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">'
           f'{"".join(parts)}</svg>')
    return Markup(svg + _legend(list(series.values())))
