#!/usr/bin/python3
"""Do the features carry the signal? On a `score synth` sample: a plain
XGBoost model (python3-xgboost; binary logistic, depth 4, eta 0.05, the
usual row and column sampling, early stopping on 10% of the firms) trained
on feature spec v1 of 60% of the firms, and its AUC on the other 30%,
against the AUC of the generator's own true PDs on the same 30%. The sample
is large (200,000 firms by default) so that what is measured is what the
features carry, not how few defaults there were to learn from.

usage: signal_check.py SCORE_PROGRAM [--enterprises N] [--seeds 1,2,3] [--asof YYYY-MM]"""
import argparse
import os
import subprocess
import tempfile
import zlib

import numpy as np
import pandas as pd
import xgboost as xgb

from compare_tables import auc


PARAMS = {"objective": "binary:logistic", "eval_metric": "auc", "tree_method": "hist",
          "max_depth": 4, "eta": 0.05, "min_child_weight": 50, "subsample": 0.8,
          "colsample_bytree": 0.5}


def holdout_auc(x, label, train, validation, holdout, seed):
    params = dict(PARAMS, seed=seed)
    booster = xgb.train(params, xgb.DMatrix(x[train], label=label[train]), num_boost_round=3000,
                        evals=[(xgb.DMatrix(x[validation], label=label[validation]), "validation")],
                        early_stopping_rounds=100, verbose_eval=False)
    return auc(label[holdout], booster.predict(xgb.DMatrix(x[holdout]),
                                                iteration_range=(0, booster.best_iteration + 1)))


def one_seed(score, n, seed, asof, train_sizes):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([score, "synth", "--enterprises", str(n), "--months", "24", "--asof", asof,
                        "--seed", str(seed), "--out", tmp], check=True, capture_output=True)
        subprocess.run([score, "features", "--signals", os.path.join(tmp, "signals.csv.gz"),
                        "--asof", asof, "--out", os.path.join(tmp, "features.csv")], check=True,
                       capture_output=True)
        features = pd.read_csv(os.path.join(tmp, "features.csv"), dtype={"uscc": str})
        labels = pd.read_csv(os.path.join(tmp, "labels.csv"), dtype={"uscc": str})
        truth = pd.read_csv(os.path.join(tmp, "truth.csv"), dtype={"uscc": str})
    data = features.merge(labels, on="uscc").merge(truth, on="uscc")
    bucket = np.array([zlib.crc32(u.encode()) % 10 for u in data["uscc"]])
    holdout, validation = bucket < 3, bucket == 3
    train = ~holdout & ~validation
    x = data.drop(columns=["uscc", "default", "pd"]).to_numpy(dtype=np.float32)
    label = data["default"].to_numpy()
    true = auc(label[holdout], data["pd"][holdout].to_numpy())
    rows = []
    order = np.random.default_rng(seed).permutation(len(data))
    for size in sorted(train_sizes) + [None]:
        if size is not None and size >= train.sum():
            continue
        subset = train.copy()
        if size is not None:   # the first `size` training firms of a fixed shuffle: nested
            subset[:] = False
            chosen = order[train[order]][:size]
            subset[chosen] = True
        model = holdout_auc(x, label, subset, validation, holdout, seed)
        rows.append((size or "all", int(subset.sum()), model))
    return len(data), label.mean(), int(holdout.sum()), true, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("score")
    ap.add_argument("--enterprises", type=int, default=600000)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--train-sizes", default="",
                    help="also train on these numbers of training firms (comma separated)")
    ap.add_argument("--asof", default="2024-12")
    a = ap.parse_args()
    sizes = [int(v) for v in a.train_sizes.split(",") if v]
    print("| seed | firms with a row | default rate | holdout | training firms "
          "| XGBoost on the features | true PD | gap |")
    print("|---|---|---|---|---|---|---|---|")
    gaps = {}
    for seed in [int(s) for s in a.seeds.split(",")]:
        n, rate, hold, true, rows = one_seed(a.score, a.enterprises, seed, a.asof, sizes)
        for size, trained, model in rows:
            gaps.setdefault(size, []).append(true - model)
            print(f"| {seed} | {n:,} | {rate:.3f} | {hold:,} | {trained:,} | {model:.4f} "
                  f"| {true:.4f} | {true - model:.4f} |", flush=True)
    for size in sizes:
        if size in gaps:
            print(f"mean gap, {size:,} training firms: {np.mean(gaps[size]):.4f}")
    print(f"mean gap, all training firms: {np.mean(gaps['all']):.4f}")


if __name__ == "__main__":
    main()
