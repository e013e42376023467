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


def one_seed(score, n, seed, asof):
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
    x = data.drop(columns=["uscc", "default", "pd"])
    label = data["default"]
    params = {"objective": "binary:logistic", "eval_metric": "auc", "max_depth": 4, "eta": 0.05,
              "min_child_weight": 50, "subsample": 0.8, "colsample_bytree": 0.5, "seed": seed}
    booster = xgb.train(params, xgb.DMatrix(x[train], label=label[train]), num_boost_round=3000,
                        evals=[(xgb.DMatrix(x[validation], label=label[validation]), "validation")],
                        early_stopping_rounds=100, verbose_eval=False)
    y = label[holdout].to_numpy()
    model = auc(y, booster.predict(xgb.DMatrix(x[holdout]),
                                   iteration_range=(0, booster.best_iteration + 1)))
    true = auc(y, data["pd"][holdout].to_numpy())
    return len(data), y.mean(), int(holdout.sum()), model, true


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("score")
    ap.add_argument("--enterprises", type=int, default=200000)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--asof", default="2024-12")
    a = ap.parse_args()
    print("| seed | firms with a row | default rate | holdout | XGBoost on the features | true PD | gap |")
    print("|---|---|---|---|---|---|---|")
    gaps = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        n, rate, hold, model, true = one_seed(a.score, a.enterprises, seed, a.asof)
        gaps.append(true - model)
        print(f"| {seed} | {n:,} | {rate:.3f} | {hold:,} | {model:.4f} | {true:.4f} | {true - model:.4f} |")
    print(f"mean gap {np.mean(gaps):.4f}")


if __name__ == "__main__":
    main()
