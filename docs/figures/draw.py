#!/usr/bin/env python3
"""Draws docs/figures/*.svg from the CSV files docs/figures/make.sh exports.

Plain SVG written by hand: a funnel bar chart, and the retention model's ROC
curve and calibration plot. Usage: draw.py INPUT_DIR OUTPUT_DIR
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
    with open(source / "scores.csv") as f:
        scores = [(int(label), float(p)) for label, p in csv.reader(f)]
    picture, auc = roc_and_calibration(scores)
    (target / "retention-model.svg").write_text(picture)
    print(f"wrote {target}/funnel.svg and {target}/retention-model.svg (AUC {auc:.4f})")


if __name__ == "__main__":
    main()
