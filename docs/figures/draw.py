#!/usr/bin/env python3
"""Draws docs/figures/*.svg from the CSV files docs/figures/make.sh exports.

Plain SVG written by hand: a funnel bar chart, a retention heatmap (the
cohort triangle), lifecycle bars, and the retention model's ROC curve and
calibration plot. Usage: draw.py INPUT_DIR OUTPUT_DIR
"""
import csv
import pathlib
import sys

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
BLUE, GREY = "#3b6ea5", "#999999"


def svg(width, height, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT} font-size="13">\n'
            f'<rect width="{width}" height="{height}" fill="white"/>\n{body}</svg>\n')


def text(x, y, s, anchor="start", size=13, weight="normal"):
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}">{s}</text>\n'


def funnel_chart(rows):
    """rows: (step, name, users). Horizontal bars with the share of step 1 and of the step before."""
    width, bar_h, gap, left, top = 720, 44, 14, 120, 50
    height = top + len(rows) * (bar_h + gap) + 20
    first = rows[0][2]
    body = text(width / 2, 28, "Funnel within 30 minutes (20,000 demo users)", "middle", 15, "bold")
    span = width - left - 290
    for i, (_, name, users) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = span * users / first
        body += f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BLUE}"/>\n'
        body += text(left - 10, y + bar_h / 2 + 5, name, "end")
        share = f"{users:,} users, {100 * users / first:.1f}%"
        if i:
            share += f" ({100 * users / rows[i - 1][2]:.0f}% of previous)"
        body += text(left + w + 8, y + bar_h / 2 + 5, share, "start", 12)
    return svg(width, height, body)


def retention_heatmap(rows):
    """rows: (cohort, cohort_entities, period_number, entities or None, retention or None)."""
    cohorts = sorted({r[0] for r in rows})
    periods = max(r[2] for r in rows) + 1
    cell_w, cell_h, left, top = 62, 26, 170, 70
    width, height = left + periods * cell_w + 20, top + len(cohorts) * cell_h + 20
    body = text(width / 2, 26, "Weekly retention by signup week (retention_matrix, as of 2026-03-29)", "middle", 15, "bold")
    for k in range(periods):
        body += text(left + k * cell_w + cell_w / 2, top - 10, f"week {k}", "middle", 12)
    for i, cohort in enumerate(cohorts):
        y = top + i * cell_h
        size = next(r[1] for r in rows if r[0] == cohort)
        body += text(left - 8, y + cell_h / 2 + 5, f"{cohort} ({size:,})", "end", 12)
        for _, _, k, entities, share in (r for r in rows if r[0] == cohort):
            x = left + k * cell_w
            if share is None:  # not observed yet: blank, not 0
                continue
            shade = int(245 - 180 * share)
            fill = f"rgb({shade},{shade + 8 if shade < 247 else 255},255)"
            body += f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}"/>\n'
            colour = "white" if share > 0.55 else "black"
            body += (f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="middle" '
                     f'font-size="12" fill="{colour}">{100 * share:.0f}%</text>\n')
    return svg(width, height, body)


def lifecycle_bars(rows):
    """rows: (period_start, status, entities). Stacked bars, dormant drawn below zero."""
    periods = sorted({r[0] for r in rows})
    count = {(r[0], r[1]): r[2] for r in rows}
    colours = {"new": "#3b6ea5", "returning": "#6aa84f", "resurrecting": "#f1c232", "dormant": "#cc4125"}
    up = max(sum(count[(p, s)] for s in ("new", "returning", "resurrecting")) for p in periods)
    down = max(count[(p, "dormant")] for p in periods)
    bar_w, left, top, plot_h = 40, 60, 60, 300
    scale = plot_h / (up + down)
    zero = top + up * scale
    width, height = left + len(periods) * (bar_w + 10) + 150, top + plot_h + 60
    body = text(width / 2, 26, "Weekly lifecycle (lifecycle, as of 2026-03-29)", "middle", 15, "bold")
    body += f'<line x1="{left - 5}" y1="{zero:.1f}" x2="{left + len(periods) * (bar_w + 10)}" y2="{zero:.1f}" stroke="#444"/>\n'
    for i, p in enumerate(periods):
        x = left + i * (bar_w + 10)
        y = zero
        for status in ("new", "returning", "resurrecting"):
            h = count[(p, status)] * scale
            y -= h
            body += f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="{colours[status]}"/>\n'
        h = count[(p, "dormant")] * scale
        body += f'<rect x="{x}" y="{zero:.1f}" width="{bar_w}" height="{h:.1f}" fill="{colours["dormant"]}"/>\n'
        if i % 2 == 0:
            body += text(x + bar_w / 2, top + plot_h + 20, p[5:], "middle", 11)
    for j, (status, colour) in enumerate(colours.items()):
        y = top + 20 + j * 22
        x = left + len(periods) * (bar_w + 10) + 15
        body += f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{colour}"/>\n'
        body += text(x + 20, y, status, "start", 12)
    return svg(width, height, body)


def roc_and_calibration(scores):
    """scores: (label, p). ROC with its AUC, and observed vs predicted rate by decile of p."""
    scores.sort(key=lambda s: -s[1])
    positives = sum(label for label, _ in scores)
    negatives = len(scores) - positives
    tp = fp = 0
    roc = [(0.0, 0.0)]
    auc = 0.0
    i = 0
    while i < len(scores):  # one point per distinct score (ties move together)
        j = i
        while j < len(scores) and scores[j][1] == scores[i][1]:
            tp += scores[j][0]
            fp += 1 - scores[j][0]
            j += 1
        x, y = fp / negatives, tp / positives
        auc += (x - roc[-1][0]) * (y + roc[-1][1]) / 2
        roc.append((x, y))
        i = j
    # Every 0.002 of the false positive rate is enough for the eye.
    roc = [point for k, point in enumerate(roc) if k == 0 or k == len(roc) - 1
           or int(point[0] * 500) != int(roc[k - 1][0] * 500)]
    deciles = []
    ordered = sorted(scores, key=lambda s: s[1])
    for d in range(10):
        part = ordered[d * len(ordered) // 10:(d + 1) * len(ordered) // 10]
        deciles.append((sum(p for _, p in part) / len(part), sum(label for label, _ in part) / len(part)))

    size, pad, gap = 300, 55, 70
    width, height = 2 * size + 2 * pad + gap, size + 2 * pad + 10

    def panel(x0, title, xlabel, ylabel):
        out = f'<rect x="{x0}" y="{pad}" width="{size}" height="{size}" fill="none" stroke="#444"/>\n'
        out += f'<line x1="{x0}" y1="{pad + size}" x2="{x0 + size}" y2="{pad}" stroke="{GREY}" stroke-dasharray="4 4"/>\n'
        for t in range(0, 11, 2):
            v = t / 10
            out += text(x0 + v * size, pad + size + 16, f"{v:.1f}", "middle", 11)
            out += text(x0 - 6, pad + size - v * size + 4, f"{v:.1f}", "end", 11)
        out += text(x0 + size / 2, pad - 12, title, "middle", 14, "bold")
        out += text(x0 + size / 2, pad + size + 36, xlabel, "middle")
        out += (f'<text x="{x0 - 38}" y="{pad + size / 2}" text-anchor="middle" font-size="13" '
                f'transform="rotate(-90 {x0 - 38} {pad + size / 2})">{ylabel}</text>\n')
        return out

    def point(x0, x, y):
        return x0 + x * size, pad + size - y * size

    left, right = pad, pad + size + gap
    body = panel(left, f"ROC (AUC {auc:.3f})", "false positive rate", "true positive rate")
    path = " ".join(f"{'M' if k == 0 else 'L'}{point(left, x, y)[0]:.1f},{point(left, x, y)[1]:.1f}"
                    for k, (x, y) in enumerate(roc))
    body += f'<path d="{path}" fill="none" stroke="{BLUE}" stroke-width="2"/>\n'
    body += panel(right, "Calibration by decile", "mean predicted P(retained)", "observed share retained")
    for predicted, observed in deciles:
        cx, cy = point(right, predicted, observed)
        body += f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{BLUE}"/>\n'
    return svg(width, height, body), auc


def main():
    source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    with open(source / "funnel.csv") as f:
        rows = [(int(step), name, int(users)) for step, name, users in csv.reader(f)]
    (target / "funnel.svg").write_text(funnel_chart(rows))
    with open(source / "retention.csv") as f:
        cells = [(c, int(n), int(k), int(e) if e else None, float(r) if r else None)
                 for c, n, k, e, r in csv.reader(f)]
    (target / "retention.svg").write_text(retention_heatmap(cells))
    with open(source / "lifecycle.csv") as f:
        statuses = [(p, s, int(n)) for p, s, n in csv.reader(f)]
    (target / "lifecycle.svg").write_text(lifecycle_bars(statuses))
    with open(source / "scores.csv") as f:
        scores = [(int(label), float(p)) for label, p in csv.reader(f)]
    picture, auc = roc_and_calibration(scores)
    (target / "retention-model.svg").write_text(picture)
    print(f"wrote {target}/funnel.svg, retention.svg, lifecycle.svg and retention-model.svg (AUC {auc:.4f})")


if __name__ == "__main__":
    main()
