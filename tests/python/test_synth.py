import csv
import gzip
import math

import numpy as np
import pytest

import libscore


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_synth_writes_three_files_the_reader_accepts(tmp_path):
    out = tmp_path / "a" / "b"
    summary = libscore.synth(out, enterprises=120, months=18, asof="2024-06", seed=3)
    assert summary["enterprises"] == 120
    with libscore.Panel() as panel:
        counts = panel.read(out / "signals.csv.gz", strict=True)
        assert counts["rejected"] == counts["skipped"] == counts["replaced"] == 0
        assert counts["read"] == summary["observations"]
        assert len(panel) == 120
    labels = read_csv(out / "labels.csv")
    truth = read_csv(out / "truth.csv")
    assert labels[0] == ["uscc", "default"] and truth[0] == ["uscc", "pd"]
    assert len(labels) - 1 == len(truth) - 1 == summary["scored"]
    assert [r[0] for r in labels] == [r[0] for r in truth]
    assert sum(int(r[1]) for r in labels[1:]) == summary["defaults"]
    pds = np.array([float(r[1]) for r in truth[1:]])
    assert np.all((pds > 0) & (pds < 1))
    assert abs(pds.mean() - summary["mean_pd"]) < 1e-6
    with gzip.open(out / "signals.csv.gz", "rt") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["uscc", "source", "field", "period", "value"]
    assert max(r[3] for r in rows[1:] if len(r[3]) == 7) == "2024-06"


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    libscore.synth(tmp_path / "x", enterprises=60, seed=8)
    libscore.synth(tmp_path / "y", enterprises=60, seed=8)
    libscore.synth(tmp_path / "z", enterprises=60, seed=9)
    for name in ("signals.csv.gz", "labels.csv", "truth.csv"):
        a = (tmp_path / "x" / name).read_bytes()
        assert a == (tmp_path / "y" / name).read_bytes()
        assert a != (tmp_path / "z" / name).read_bytes()


def test_synth_panel_matches_the_files(tmp_path):
    libscore.synth(tmp_path, enterprises=80, months=12, seed=4)
    panel, uscc, pd, label = libscore.synth_panel(80, months=12, seed=4)
    with panel:
        assert panel.enterprises() == sorted(uscc)
        truth = {r[0]: float(r[1]) for r in read_csv(tmp_path / "truth.csv")[1:]}
        for code, p, y in zip(uscc, pd, label):
            if y < 0:
                assert math.isnan(p) and code not in truth
            else:
                assert p == pytest.approx(truth[code], rel=1e-8)
    _, _, pd2, label2 = libscore.synth_panel(80, months=12, seed=4, with_signals=False)
    assert np.array_equal(label, label2)
    assert np.array_equal(np.isnan(pd), np.isnan(pd2))


def test_default_rate_and_errors(tmp_path):
    _, _, pd, label = libscore.synth_panel(20000, default_rate=0.03, with_signals=False)
    scored = label >= 0
    assert abs(pd[scored].mean() - 0.03) < 0.003
    with pytest.raises(libscore.ScoreError) as err:
        libscore.synth(tmp_path, enterprises=10, months=0)
    assert "months" in str(err.value)
    (tmp_path / "file").write_text("x")
    with pytest.raises(libscore.ScoreError) as err:
        libscore.synth(tmp_path / "file" / "sub", enterprises=10)
    assert str(tmp_path / "file") in str(err.value)


def test_progress_can_stop_the_run(tmp_path):
    seen = []

    def progress(stage, done, total):
        seen.append((stage, done, total))
        return False

    with pytest.raises(libscore.ScoreError) as err:
        libscore.synth(tmp_path / "out", enterprises=3000, progress=progress)
    assert "canceled" in str(err.value)
    assert seen == [("synth", 0, 3000)]
    assert not any((tmp_path / "out").iterdir())
