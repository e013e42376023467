"""A synthetic portfolio for the monitoring tests and the report example:
signals (standard v1) and 12-month default labels of enterprises whose
latent risk shows in their signals (sales and power sliding, arrears,
lawsuits, ratings).

As a script it writes the example data of docs/monitoring.md:

    /usr/bin/python3 tests/python/synthetic.py DIR [ENTERPRISES]

writes DIR/signals.csv and the labels as of two months, for training and
for an out-of-time validation: DIR/labels-2023-06.csv, DIR/labels-2023-12.csv.
"""
import os
import sys

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(i):
    """A valid Unified Social Credit Code for number i."""
    body = f"91330100{i:09d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + ALPHABET[(31 - total % 31) % 31]


def months(first, last):
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def generate(n, first="2022-01", last="2024-12", label_asof="2023-12", seed=1, only=None):
    """(lines, labels): the CSV lines (without header) and {uscc: 0 or 1}.
    `only(index, month)` (month "" for profile lines) may filter the lines."""
    rng = np.random.default_rng(seed)
    ms = months(first, last)
    label_k = ms.index(label_asof)
    z = rng.normal(size=n)                           # latent risk
    scale = np.exp(rng.normal(size=n) * 0.8)
    onset = rng.integers(6, len(ms) + 6, size=n)     # when a risky one starts sliding
    born = rng.integers(2005, 2021, size=n)
    lines, labels = [], {}
    for i in range(n):
        code = uscc(i + 1)
        keep = (lambda month, i=i: only is None or only(i, month))
        hitech = int(rng.random() < 0.3)
        if keep(""):
            lines.append(f"{code},profile,industry,,{('C3971', 'I6510', 'M7320')[i % 3]}")
            lines.append(f"{code},profile,established,,{born[i]}-0{1 + i % 9}-15")
            lines.append(f"{code},profile,hitech,,{hitech}")
        slide = max(z[i] - 0.3, 0.0)
        staff0 = np.floor(15 + 40 * scale[i])
        for k, month in enumerate(ms):
            late = max(k - onset[i], 0)
            trend = np.exp(-0.06 * slide * late)
            noise = rng.uniform(0.9, 1.1, size=3)
            owe = rng.random(3) < _sigmoid(-5 + 2.0 * z[i] + 0.15 * late * (slide > 0))
            if not keep(month):
                rng.random(2)
                continue
            sales = scale[i] * 1e6 * trend * noise[0]
            power = scale[i] * 1e5 * trend * noise[1]
            staff = np.floor(staff0 * trend ** 0.5)
            lines += [f"{code},tax,sales,{month},{sales:.2f}",
                      f"{code},tax,paid,{month},{sales * 0.06:.2f}",
                      f"{code},tax,arrears,{month},{sales * 0.05 * owe[0]:.2f}",
                      f"{code},power,kwh,{month},{power:.0f}",
                      f"{code},power,arrears,{month},{power * 0.8 * owe[1]:.2f}",
                      f"{code},social,insured,{month},{staff:.0f}",
                      f"{code},social,arrears,{month},{staff * 1200 * owe[2]:.2f}",
                      f"{code},orders,amount,{month},{sales * 0.8 * noise[2]:.2f}",
                      f"{code},orders,top_buyer_share,{month},"
                      f"{min(0.95, 0.25 + 0.15 * _sigmoid(z[i]) + 0.05 * late * (slide > 0)):.3f}"]
            draws = rng.random(2)
            if draws[0] < 0.01 + 0.08 * _sigmoid(3 * (z[i] - 1.2)) * (late > 0):
                lines.append(f"{code},court,cases,{month},1")
            if month.endswith("-12"):
                rating = "D" if z[i] > 2.2 else "C" if z[i] > 1.6 else "ABM"[int(draws[1] * 3)]
                lines.append(f"{code},tax,rating,{month[:4]},{rating}")
        p = _sigmoid(-5.2 + 1.9 * z[i] + 0.08 * max(label_k - onset[i], 0) * (slide > 0))
        labels[code] = int(rng.random() < p)
    return lines, labels


def write(directory, n=2000, seed=1, label_asof="2023-12", labels_name="labels.csv"):
    """Write DIR/signals.csv and DIR/labels.csv (the signals do not depend
    on the labels' month); return their paths."""
    lines, labels = generate(n, seed=seed, label_asof=label_asof)
    signals = os.path.join(directory, "signals.csv")
    with open(signals, "w") as f:
        f.write("uscc,source,field,period,value\n")
        f.write("\n".join(lines) + "\n")
    labels_path = os.path.join(directory, labels_name)
    with open(labels_path, "w") as f:
        f.write("uscc,default\n")
        f.writelines(f"{code},{y}\n" for code, y in labels.items())
    return signals, labels_path


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    for month in ("2023-06", "2023-12"):
        print(*write(sys.argv[1], n, label_asof=month, labels_name=f"labels-{month}.csv"))
