"""The pool's loss simulation in vectorised numpy, for bench_pool.

The same model as score_pool_simulate (docs/pools.md): a one-factor
Gaussian copula (Basel correlation unless the configuration fixes one),
deposits at the deposit rate of each exposure, each defaulter's own
deposit first, then the survivors' deposits jointly, then the parties'
shares, the fund capped at its balance with the excess to the bank. It
draws its own random numbers (numpy's PCG64), so its figures agree with
libscore's within Monte Carlo error, not digit for digit.

    /usr/bin/python3 bench/pool_numpy.py --config POOL.json --members MEMBERS.csv \
        --scenarios 100000 --seed 1

prints one JSON object: the seconds the simulation took (reading the files
excluded) and its results in yuan.
"""
import argparse
import csv
import json
import math
import time
from statistics import NormalDist

import numpy as np

PRESETS = {"fuqing": (0.5, 0.5, 0.0, 0.0), "anhui-4321": (0.2, 0.1, 0.4, 0.3),
           "national-guarantee-fund": (0.2, 0.0, 0.8, 0.0)}


def read_config(path):
    with open(path) as f:
        c = json.load(f)
    shares = (0.5, 0.5, 0.0, 0.0)
    if "preset" in c:
        shares = PRESETS[c["preset"]]
    if "waterfall" in c:
        w = c["waterfall"]
        shares = tuple(float(w.get(k, 0)) for k in ("bank", "fund", "guarantor", "reguarantor"))
    corr = c.get("correlation", "basel")
    return {"rate": float(c.get("deposit_rate", 0.04)),
            "fund": round(float(c.get("compensation_fund", 0)) * 100),
            "shares": shares, "suspend": float(c.get("npl_suspend", 0.03)),
            "correlation": -1.0 if corr == "basel" else float(corr)}


def read_members(path):
    pd, ead, lgd = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            pd.append(float(row["pd"]))
            ead.append(round(float(row["ead"]) * 100))
            lgd.append(float(row["lgd"]))
    return np.array(pd), np.array(ead, dtype=np.float64), np.array(lgd)


def simulate(config, pd, ead, lgd, scenarios, seed, chunk=2000):
    rng = np.random.default_rng(seed)
    if config["correlation"] >= 0:
        rho = np.full(len(pd), config["correlation"])
    else:
        w = (1 - np.exp(-50 * pd)) / (1 - math.exp(-50))
        rho = 0.12 * w + 0.24 * (1 - w)
    inv = NormalDist().inv_cdf
    g = np.array([inv(p) if 0 < p < 1 else (-np.inf if p <= 0 else np.inf) for p in pd])
    a = g / np.sqrt(1 - rho)
    b = np.sqrt(rho / (1 - rho))
    rate, fund, shares = config["rate"], config["fund"], config["shares"]
    loss = ead * lgd
    weights = np.column_stack([loss, np.minimum(loss, rate * ead), ead])
    total_ead = ead.sum()
    totals = np.empty(scenarios)
    party_sum = np.zeros(5)
    party_hit = np.zeros(5)
    exhausted = suspended = defaults = 0.0
    for start in range(0, scenarios, chunk):
        m = min(chunk, scenarios - start)
        z = rng.standard_normal(m)
        e = rng.standard_normal((m, len(pd)))
        hit = e < (a[None, :] - b[None, :] * z[:, None])
        sums = hit.astype(np.float64) @ weights          # loss, own deposit used, EAD defaulted
        total, own, ead_def = sums[:, 0], sums[:, 1], sums[:, 2]
        rest = total - own
        others = np.minimum(rest, rate * (total_ead - ead_def))
        beyond = rest - others
        parties = np.column_stack([own + others] + [s * beyond for s in shares])
        call = parties[:, 2].copy()
        over = np.maximum(call - fund, 0)
        parties[:, 1] += over
        parties[:, 2] -= over
        totals[start:start + m] = total
        party_sum += parties.sum(axis=0)
        party_hit += (parties > 0).sum(axis=0)
        exhausted += np.count_nonzero((call > 0) & (call >= fund))
        suspended += np.count_nonzero((ead_def > 0) & (ead_def >= config["suspend"] * total_ead))
        defaults += hit.sum()
    totals.sort()
    n = scenarios

    def quantile(q):
        return totals[max(math.ceil(q * n - 1e-9) - 1, 0)]

    worst = n - math.floor(0.99 * n + 1e-9)
    return {"expected_loss": totals.mean(), "loss_q95": quantile(0.95),
            "loss_q99": quantile(0.99), "loss_q999": quantile(0.999),
            "expected_shortfall_99": totals[n - worst:].mean(),
            "default_rate": defaults / (n * len(pd)),
            "party_expected_loss": list(party_sum / n), "party_p_loss": list(party_hit / n),
            "p_fund_exhausted": exhausted / n, "p_suspended": suspended / n}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--members", required=True)
    parser.add_argument("--scenarios", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = read_config(args.config)
    pd, ead, lgd = read_members(args.members)
    start = time.perf_counter()
    result = simulate(config, pd, ead, lgd, args.scenarios, args.seed)
    seconds = time.perf_counter() - start
    money = ("expected_loss", "loss_q95", "loss_q99", "loss_q999", "expected_shortfall_99")
    out = {"seconds": seconds, "members": len(pd), "scenarios": args.scenarios}
    for key, value in result.items():
        if key in money:
            value = value / 100
        elif key == "party_expected_loss":
            value = [v / 100 for v in value]
        out[key] = value
    print(json.dumps(out))


if __name__ == "__main__":
    main()
