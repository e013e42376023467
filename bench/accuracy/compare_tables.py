#!/usr/bin/python3
"""libscore's default training against plain XGBoost with default parameters
(what xgboost.XGBClassifier() does: binary logistic, 100 rounds) on the same splits of a table: test AUC of each.

usage: compare_tables.py SCORE_PROGRAM TABLE.csv [TABLE.csv ...] [--splits N]
Each table has an `id` column and a 0/1 `bad` label. For each of N seeds the
rows are split 70/30 (stratified); both are trained on the 70% and scored on
the 30%. Text columns are one-hot encoded for XGBoost (pandas.get_dummies), as
libscore does itself."""
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import xgboost as xgb


def auc(y, p):
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sp = p[order]
    i = 0
    while i < len(sp):
        j = i
        while j < len(sp) and sp[j] == sp[i]:
            j += 1
        ranks[order[i:j]] = (i + j + 1) / 2
        i = j
    n1 = y.sum()
    n0 = len(y) - n1
    return (ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def split(y, seed, share=0.3):
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        test[idx[: int(round(share * len(idx)))]] = True
    return test


def libscore_auc(score, train, test, tmp):
    train.to_csv(os.path.join(tmp, "train.csv"), index=False)
    test.drop(columns=["bad"]).to_csv(os.path.join(tmp, "test.csv"), index=False)
    model = os.path.join(tmp, "model.json.gz")
    subprocess.run([score, "train", "--table", os.path.join(tmp, "train.csv"), "--label", "bad",
                    "--id", "id", "--out", model], check=True, capture_output=True)
    subprocess.run([score, "predict", "--model", model, "--table", os.path.join(tmp, "test.csv"),
                    "--id", "id", "--out", os.path.join(tmp, "p.csv")], check=True,
                   capture_output=True)
    pred = pd.read_csv(os.path.join(tmp, "p.csv")).set_index("id").loc[test["id"]]
    return auc(test["bad"].to_numpy(), pred["pd"].to_numpy())


def xgboost_auc(train, test):
    both = pd.get_dummies(pd.concat([train, test]).drop(columns=["id", "bad"]), dtype=float)
    x_train, x_test = both.iloc[: len(train)], both.iloc[len(train):]
    # XGBClassifier()'s defaults: binary logistic objective, 100 rounds, every
    # other parameter at XGBoost's default
    booster = xgb.train({"objective": "binary:logistic"},
                        xgb.DMatrix(x_train, label=train["bad"]), num_boost_round=100)
    return auc(test["bad"].to_numpy(), booster.predict(xgb.DMatrix(x_test)))


def main():
    args = sys.argv[1:]
    splits = 5
    if "--splits" in args:
        i = args.index("--splits")
        splits = int(args[i + 1])
        del args[i:i + 2]
    score, tables = args[0], args[1:]
    print(f"| table | rows | bad rate | split seed | libscore AUC | XGBoost default AUC | difference |")
    print(f"|---|---|---|---|---|---|---|")
    for path in tables:
        data = pd.read_csv(path)
        y = data["bad"].to_numpy()
        ours, theirs = [], []
        for seed in range(1, splits + 1):
            test = split(y, seed)
            with tempfile.TemporaryDirectory() as tmp:
                a = libscore_auc(score, data[~test], data[test], tmp)
            b = xgboost_auc(data[~test], data[test])
            ours.append(a)
            theirs.append(b)
            print(f"| {os.path.basename(path)} | {len(y)} | {y.mean():.3f} | {seed} | {a:.4f} | {b:.4f} | {a - b:+.4f} |")
        print(f"| {os.path.basename(path)} | | | mean | {np.mean(ours):.4f} | {np.mean(theirs):.4f} | {np.mean(ours) - np.mean(theirs):+.4f} |")


if __name__ == "__main__":
    main()
