#!/usr/bin/python3
"""The observable make-up of a synthetic population: the figures of
docs/synth.md ("What 10,000 firms look like").

    /usr/bin/python3 scripts/synth-report.py [--enterprises 10000] [--seed 1]

Generates the population in memory through the library (as
`score synth --enterprises N --seed S` would write it) and reads it back
through the panel API, so every figure is what a reader of the files sees.
Needs the library built in build/ (or LIBSCORE_LIBRARY) and numpy.
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import libscore  # noqa: E402

ASOF = 202412
WINDOW = [(2023 + (m // 12)) * 100 + m % 12 + 1 for m in range(24)]


def auc(score, label):
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    s = score[order]
    i = 0
    while i < len(s):           # average ranks of ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = label == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def pct(x):
    return f"{100 * x:.1f}%"


def quantiles(values, qs=(5, 25, 50, 75, 95), fmt="{:.3g}"):
    v = np.asarray([x for x in values if not math.isnan(x)])
    return " / ".join(fmt.format(np.percentile(v, q)) for q in qs) if len(v) else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    panel, codes, pd, label = libscore.synth_panel(args.enterprises, months=24, asof="2024-12",
                                                   seed=args.seed)
    n = len(codes)

    def series(code, source, field):
        return panel.series(code, source, field)

    def profile(code, field):
        m, v = series(code, "profile", field)
        return v[0] if len(v) else math.nan

    est = np.array([int(profile(c, "established")) // 100 for c in codes])
    section = np.array([int(profile(c, "industry")) // 100000 for c in codes])
    unborn = est > ASOF
    young = (est >= 202301) & ~unborn
    old = est < 202301
    scored = ~unborn
    age = np.array([((ASOF // 100 - e // 100) * 12 + ASOF % 100 - e % 100) / 12 for e in est])

    print(f"firms: {n}; established after the as-of month: {unborn.sum()} ({pct(unborn.mean())}); "
          f"inside the window: {young.sum()} ({pct(young.mean())}); earlier: {old.sum()}")
    print(f"age at the as-of month, years (P5/P25/P50/P75/P95): {quantiles(age[scored], fmt='{:.1f}')}")
    for sec, name in ((3, "C manufacturing"), (9, "I software and IT"), (13, "M research")):
        print(f"industry {name}: {pct((section == sec).mean())}")

    sources = ["tax", "power", "water", "social", "orders", "ip", "court", "equity"]
    masks = {}
    for i, c in enumerate(codes):
        masks[c] = set(s for s in sources if len(series(c, s, {"tax": "sales", "power": "kwh",
                    "water": "m3", "social": "insured", "orders": "amount", "ip": "invention",
                    "court": "cases", "equity": "raised"}[s])[0]))
    # sparse sources: any field counts
    for c in codes:
        for s, fields in (("ip", ("utility", "design", "software", "pledged")),
                          ("court", ("enforced", "dishonest")), ("equity", ("gov_fund",))):
            if s not in masks[c] and any(len(series(c, s, f)[0]) for f in fields):
                masks[c].add(s)
    print("firms established before the window with data from each source:")
    for s in sources:
        share = np.mean([s in masks[c] for c, o in zip(codes, old) if o])
        print(f"  {s:7s} {pct(share)}")
    for sec, name in ((3, "C"), (9, "I"), (13, "M")):
        sel = [c for c, o, k in zip(codes, old, section) if o and k == sec]
        print(f"  power, industry {name}: {pct(np.mean(['power' in masks[c] for c in sel]))}")

    months_of = {s: [] for s in ("tax", "power", "social", "orders")}
    med_sales, med_heads, med_kwh = [], {3: [], 9: [], 13: []}, {3: [], 9: [], 13: []}
    paid_ratio, recv_months, top_share, chain = [], [], [], []
    negative = zero = empty = 0
    tot = {m: [0.0, 0.0] for m in (202401, 202402, 202403, 202411, 202412)}
    for c, o, k in zip(codes, old, section):
        m, sales = series(c, "tax", "sales")
        if len(m):
            months_of["tax"].append(len(m))
            negative += int((sales < 0).sum())
            zero += int((sales == 0).sum())
            empty += int(np.isnan(sales).sum())
        if o and len(m) >= 20:
            med_sales.append(np.nanmedian(sales))
            _, paid = series(c, "tax", "paid")
            if len(paid) == len(sales):
                paid_ratio.append(np.nansum(paid) / max(np.nansum(sales), 1))
        m2, kwh = series(c, "power", "kwh")
        if len(m2):
            months_of["power"].append(len(m2))
            if o and len(m2) >= 20:
                med_kwh[k].append(np.nanmedian(kwh))
            if o:
                for mm, v in zip(m2, kwh):
                    if mm in tot and not math.isnan(v):
                        tot[mm][0] += v
        if o and len(m):
            for mm, v in zip(m, sales):
                if mm in tot and not math.isnan(v):
                    tot[mm][1] += v
        m3, heads = series(c, "social", "insured")
        if len(m3):
            months_of["social"].append(len(m3))
            if o and len(m3) >= 20:
                med_heads[k].append(np.nanmedian(heads))
        m4, amount = series(c, "orders", "amount")
        if len(m4):
            months_of["orders"].append(len(m4))
            _, share = series(c, "orders", "top_buyer_share")
            top_share.append(np.nanmean(share) if np.isfinite(share).any() else math.nan)
            _, cm = series(c, "orders", "chain_master")
            chain.append(np.nansum(cm) > 0)
            _, rec = series(c, "orders", "receivables")
            if len(m) and o:
                recv_months.append(np.nanmean(rec[-3:]) / max(np.nanmean(sales[-3:]), 1))
    print("monthly sales of firms established before the window, yuan, median month "
          f"(P5/P25/P50/P75/P95): {quantiles(med_sales)}")
    for k, name in ((3, "C"), (9, "I"), (13, "M")):
        print(f"insured staff, industry {name} (P5/P25/P50/P75/P95): {quantiles(med_heads[k], fmt='{:.0f}')}")
        print(f"monthly kWh, industry {name} (P5/P25/P50/P75/P95): {quantiles(med_kwh[k])}")
    print(f"tax paid / sales over the window (P5/P50/P95): {quantiles(paid_ratio, (5, 50, 95), '{:.3f}')}")
    print(f"receivables / monthly sales at the as-of month (P5/P50/P95): "
          f"{quantiles(recv_months, (5, 50, 95), '{:.2f}')}")
    print(f"mean top-buyer share (P5/P50/P95): {quantiles(top_share, (5, 50, 95), '{:.2f}')}; "
          f"firms with orders from chain leaders: {pct(np.mean(chain))} of firms with orders data")
    for s, v in months_of.items():
        print(f"months of {s} data per firm that has it: mean {np.mean(v):.1f}")
    print(f"sales months negative (net of red-letter invoices): {negative}; zero: {zero}; "
          f"written empty: {empty}")
    print("Spring Festival 2024-02-10, firms established before the window, totals: "
          f"kWh Feb / mean(Jan, Mar) = {tot[202402][0] / ((tot[202401][0] + tot[202403][0]) / 2):.2f}; "
          f"sales Feb / mean(Jan, Mar) = {tot[202402][1] / ((tot[202401][1] + tot[202403][1]) / 2):.2f}; "
          f"sales Dec / Nov = {tot[202412][1] / tot[202411][1]:.2f}")

    ratings = {}
    for c in codes:
        m, v = series(c, "tax", "rating")
        for mm, vv in zip(m, v):
            if mm == 202412:
                ratings["ABMCD"[int(vv) - 1]] = ratings.get("ABMCD"[int(vv) - 1], 0) + 1
    total = sum(ratings.values())
    print("tax rating 2024: " + ", ".join(f"{g} {pct(ratings.get(g, 0) / total)}" for g in "ABMCD"))
    for f in ("hitech", "srdi", "little_giant"):
        print(f"{f}: {pct(np.mean([profile(c, f) == 1 for c, s in zip(codes, scored) if s]))}")

    def last(c, source, field):
        m, v = series(c, source, field)
        return v[-1] if len(v) and m[-1] == ASOF else math.nan

    arrears = {}
    for s in ("tax", "power", "social"):
        have = [c for c, sc in zip(codes, scored) if sc and s in masks[c]]
        now = np.mean([last(c, s, "arrears") > 0 for c in have])
        ever = np.mean([np.nansum(series(c, s, "arrears")[1] > 0) > 0 for c in have])
        arrears[s] = now
        print(f"{s} arrears: at the as-of month {pct(now)}, in some month of the window {pct(ever)} "
              f"(of firms with {s} data)")
    cases = np.mean([len(series(c, "court", "cases")[0]) > 0 for c in codes])
    enforced = np.mean([len(series(c, "court", "enforced")[0]) > 0 for c in codes])
    listed = np.mean([(lambda v: len(v) and v[-1] == 1)(series(c, "court", "dishonest")[1])
                      for c in codes])
    print(f"court: firms with a lawsuit in the window {pct(cases)}, with an enforcement "
          f"{pct(enforced)}, on the dishonest list at the as-of month {pct(listed)}")
    rounds = [series(c, "equity", "raised")[1] for c in codes]
    gov = np.mean([len(series(c, "equity", "gov_fund")[0]) > 0 for c in codes])
    sizes = [x for r in rounds for x in r]
    print(f"equity: firms with a round in the window {pct(np.mean([len(r) > 0 for r in rounds]))}, "
          f"with a government fund {pct(gov)}; round size (P5/P50/P95) "
          f"{quantiles(sizes, (5, 50, 95))} yuan")
    inv = np.mean([len(series(c, "ip", "invention")[0]) > 0 for c in codes])
    soft = np.mean([len(series(c, "ip", "software")[0]) > 0 for c in codes])
    pledged = np.mean([len(series(c, "ip", "pledged")[0]) > 0 for c in codes])
    print(f"ip: firms granted an invention patent in the window {pct(inv)}, registering software "
          f"{pct(soft)}, pledging a patent {pct(pledged)}")

    p, y = pd[scored], label[scored]
    print(f"truth: mean PD {p.mean():.4f}; PD (P10/P50/P90/P99) "
          f"{quantiles(p, (10, 50, 90, 99), '{:.4f}')}; labels: {y.sum()} defaults "
          f"({pct(y.mean())}); AUC of the true PD on the labels {auc(p, y):.3f}")
    print(f"observations: {panel.n_observations}")
    panel.close()


if __name__ == "__main__":
    main()
