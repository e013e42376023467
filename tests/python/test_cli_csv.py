"""The score program's CSV output read back by Python's csv module: ids,
column names (the reason codes of a table model) and grade names that hold
commas, quotes, blanks and UTF-8 come back exactly, in the right columns."""
import csv
import os
import random
import subprocess

import pytest

from conftest import ROOT

HOSTILE_IDS = ["ACME, Inc.", 'say "hi"', " lead", "trail ", "\ttab", 'a,"b",c',
               "普通公司 (深圳)", "=1+2", "semi;colon", "  ", '"', ","]


def score_program():
    """The built score program: $SCORE_PROGRAM, then beside $LIBSCORE_LIBRARY
    (the build tree the tests run against), then build/score."""
    tried = []
    if os.environ.get("SCORE_PROGRAM"):
        tried.append(os.environ["SCORE_PROGRAM"])
    if os.environ.get("LIBSCORE_LIBRARY"):
        tried.append(os.path.join(os.path.dirname(os.environ["LIBSCORE_LIBRARY"]), "score"))
    tried.append(os.path.join(ROOT, "build", "score"))
    for path in tried:
        if os.access(path, os.X_OK):
            return path
    pytest.fail("the score program was not found; tried: " + ", ".join(tried))


def run(*args):
    done = subprocess.run([score_program(), *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def table_and_model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli_csv")
    rng = random.Random(7)
    ids = []
    table = tmp / "table.csv"
    with open(table, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "sales, net", 'x "q"', " padded ", "default"])
        for i in range(480):
            a, b, c = rng.random(), rng.random(), rng.random()
            ids.append(HOSTILE_IDS[i % len(HOSTILE_IDS)] + str(i))
            w.writerow([ids[-1], a, b, c, int(rng.random() < 0.05 + 0.4 * a)])
    model = tmp / "model.json.gz"
    run("train", "--table", table, "--label", "default", "--id", "id", "--out", model,
        "--max-rounds", 40)
    return tmp, table, model, ids


def read_back(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f, strict=True))


def test_hostile_ids_and_reason_codes_round_trip(table_and_model):
    tmp, table, model, ids = table_and_model
    out = tmp / "predictions.csv"
    run("predict", "--model", model, "--table", table, "--id", "id", "--out", out)
    rows = read_back(out)
    header = rows[0]
    assert header[:5] == ["id", "pd", "score", "grade", "margin"]
    assert all(len(r) == len(header) for r in rows), "a row with shifted columns"
    assert [r[0] for r in rows[1:]] == ids
    codes = {c for r in rows[1:] for c in r[5:] if c}
    assert codes and codes <= {"sales, net", 'x "q"', " padded "}, codes
    for r in rows[1:]:
        assert 0.0 <= float(r[1]) <= 1.0
        int(r[2])
        float(r[4])
        assert r[3] in {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"}


def test_stdout_output_is_the_same_csv(table_and_model):
    tmp, table, model, ids = table_and_model
    done = run("predict", "--model", model, "--table", table, "--id", "id", "--out", "-")
    rows = list(csv.reader(done.stdout.splitlines(keepends=True), strict=True))
    assert [r[0] for r in rows[1:]] == ids


def test_features_and_alerts_are_csv(tmp_path):
    run("synth", "--enterprises", 150, "--months", 14, "--seed", 3, "--out", tmp_path)
    signals = tmp_path / "signals.csv.gz"
    model = os.path.join(ROOT, "models", "default.json.gz")
    run("features", "--signals", signals, "--asof", "2024-12", "--out", tmp_path / "f.csv")
    rows = read_back(tmp_path / "f.csv")
    assert rows[0][0] == "uscc" and all(len(r) == len(rows[0]) for r in rows)
    run("monitor", "--model", model, "--signals", signals, "--asof", "2024-12",
        "--out", tmp_path / "alerts.csv")
    rows = read_back(tmp_path / "alerts.csv")
    assert rows[0] == ["uscc", "code", "severity", "message_zh", "message_en", "evidence"]
    assert len(rows) > 1 and all(len(r) == 6 for r in rows)
