import gzip

import numpy as np
import pytest

import libscore

H = b"uscc,source,field,period,value\n"
U1 = "914403001922038216"


def test_version_and_codes():
    assert libscore.version().count(".") == 2
    assert libscore.uscc_valid("91330100799655058B")
    assert not libscore.uscc_valid("91330100799655058b")


def test_read_bytes_counts_and_diagnostics():
    data = H + (U1 + ",tax,sales,2024-01,10\n" + U1 + ",tax,sales,2024-02,x\n").encode()
    with libscore.Panel() as panel:
        counts = panel.read_bytes(gzip.compress(data), name="s.csv.gz")
        assert counts == {"read": 2, "accepted": 1, "replaced": 0, "skipped": 0, "rejected": 1}
        assert panel.diagnostics[0]["text"].startswith("s.csv.gz:3:5: value:")
        months, values = panel.series(U1, "tax", "sales")
        assert list(months) == [202401]
        assert np.array_equal(values, [10.0])


def test_errors_raise_with_the_library_message(tmp_path):
    with libscore.Panel() as panel:
        bad = tmp_path / "bad.csv"
        bad.write_bytes(b"not,a,header\n")
        with pytest.raises(libscore.ScoreError) as err:
            panel.read(str(bad))
        assert "bad.csv:1: expected the header" in str(err.value)
        with pytest.raises(libscore.ScoreError) as err:
            panel.add(U1, "tax", "sales", "2024-13", "1")
        assert "period" in str(err.value)


def test_add_and_enterprises():
    with libscore.Panel() as panel:
        assert panel.add(U1, "tax", "paid", "2024-01", "5") == "accepted"
        assert panel.add(U1, "tax", "paid", "2024-01", "6") == "replaced"
        assert panel.add(U1, "weather", "rain", "2024-01", "6") == "skipped"
        assert panel.enterprises() == [U1]
        assert len(panel) == 1


def test_features_match_the_cli(tmp_path):
    import csv
    import os
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sample = os.path.join(root, "examples", "data", "sample-signals.csv.gz")
    with libscore.Panel() as panel:
        panel.read(sample)
        codes, matrix = panel.features("2024-12")
    names = libscore.feature_names()
    assert matrix.shape == (len(codes), len(names)) and len(names) == len(libscore.feature_directions())
    assert codes == sorted(codes)
    out = tmp_path / "f.csv"
    score = os.path.join(os.path.dirname(os.environ.get("LIBSCORE_LIBRARY", os.path.join(root, "build", "x"))), "score")
    if not os.path.exists(score):
        pytest.skip("score program not built next to the library")
    subprocess.run([score, "features", "--signals", sample, "--asof", "2024-12", "--out", str(out)], check=True)
    with open(out) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["uscc"] + names
    for r, row in enumerate(rows[1:]):
        assert row[0] == codes[r]
        for j, cell in enumerate(row[1:]):
            if cell == "":
                assert np.isnan(matrix[r, j])
            else:
                assert np.float32(float(cell)) == matrix[r, j]
