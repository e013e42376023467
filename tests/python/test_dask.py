"""libscore.dask and score-dask on a LocalCluster of 2 worker processes:
distributed features and scores are byte for byte what `score features` and
`score predict` write; a worker killed mid-score leaves the output complete;
bad input is reported or refused."""
import gzip
import os
import subprocess
import zlib

import numpy as np
import pytest

if os.environ.get("SCORE_TEST_UNDER_ASAN"):
    # the workers are new interpreters loading the instrumented library
    # without the runtime preloaded; the C paths they call are the ones the
    # other tests run under the sanitizers in this process
    pytest.skip("Dask worker processes cannot preload the ASan runtime",
                allow_module_level=True)
pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

import libscore  # noqa: E402
from libscore import dask as sd  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = os.environ.get("LIBSCORE_LIBRARY", os.path.join(ROOT, "build", "libscore.so"))
SCORE = os.path.join(os.path.dirname(LIBRARY), "score")
ASOF = "2024-12"


def _split_file(source, targets):
    """The lines of a signals file dealt into several files, each with the header."""
    with gzip.open(source, "rt", encoding="utf-8") as f:
        header, *lines = f.read().splitlines()
    for i, path in enumerate(targets):
        with open(path, "w", encoding="utf-8") as out:
            out.write(header + "\n")
            out.writelines(line + "\n" for line in lines[i::len(targets)])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask")
    libscore.synth(str(d), 400, seed=7)
    files = [str(d / f"signals-{i}.csv") for i in range(3)]
    _split_file(str(d / "signals.csv.gz"), files)
    with libscore.Panel() as panel:
        for f in files:
            panel.read(f, strict=True)
        model = libscore.Model.train_signals(panel, ASOF, str(d / "labels.csv"), max_rounds=40)
    bundle = str(d / "model.json.gz")
    model.save(bundle)
    model.close()
    return {"dir": d, "files": files, "bundle": bundle}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster
    # the worker processes import this checkout's package and library
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + \
        os.environ.get("PYTHONPATH", "")
    os.environ["LIBSCORE_LIBRARY"] = LIBRARY
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def _cli(*args):
    return subprocess.run([SCORE, *args], capture_output=True, text=True)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def test_partition_is_a_stable_hash():
    code = "91330100000000001Y"
    assert sd.partition_of(code, 7) == zlib.crc32(code.encode()) % 7
    assert sd.partition_of(code.encode(), 7) == sd.partition_of(code, 7)


def test_buckets_keep_every_line_number_and_line_once():
    data = (b'\n\r\nuscc,source,field,period,value\r\n91330100000000001Y,tax,sales,2024-01,5\r\n'
            b'"91330100000000001Y",tax,sales,2024-02,6\n\nshort,x\n91330100000000002X,a,b,c,d')
    buckets = sd._buckets(data, 3)
    lines = data.split(b"\n")
    for b in buckets:
        got = b.split(b"\n")[:-1]
        got += [b""] * (len(lines) - len(got))   # a blank last line need not end the file
        assert len(got) == len(lines) and got[:3] == lines[:3]
    for i, line in enumerate(lines[3:], 3):
        holders = [p for p, b in enumerate(buckets) if (b.split(b"\n") + [b""])[i] == line]
        code = line.split(b",")[0].strip(b'"')
        assert holders == ([sd.partition_of(code, 3)] if line else [0, 1, 2])


def test_features_equal_single_machine(data, client, tmp_path):
    out = str(tmp_path / "features.csv")
    args = ["features", "--asof", ASOF, "--out", out]
    for f in data["files"]:
        args += ["--signals", f]
    assert _cli(*args).returncode == 0
    signals = sd.read_signals(data["files"], partitions=5, client=client)
    frame = signals.features(ASOF)
    assert frame.npartitions == 5
    parts = [p.compute() for p in frame.to_delayed()]
    # each enterprise in the partition of its code, and in no other
    for i, part in enumerate(parts):
        assert all(sd.partition_of(u, 5) == i for u in part["uscc"])
    mine = str(tmp_path / "mine.csv")
    n = sd.write_csv(frame, mine)
    assert _read(mine) == _read(out)
    assert n == sum(len(p) for p in parts) > 300
    # the values themselves (float32), not only their text
    with libscore.Panel() as panel:
        for f in data["files"]:
            panel.read(f)
        codes, matrix = panel.features(ASOF)
    whole = frame.compute().sort_values("uscc")
    assert list(whole["uscc"]) == codes
    got = whole.drop(columns="uscc").to_numpy(dtype=np.float32)
    assert np.array_equal(got.view(np.uint32), matrix.view(np.uint32))


def test_predict_equals_single_machine_one_load_per_worker(data, client, tmp_path):
    out = str(tmp_path / "scores.csv")
    args = ["predict", "--model", data["bundle"], "--asof", ASOF, "--out", out]
    for f in data["files"]:
        args += ["--signals", f]
    assert _cli(*args).returncode == 0
    signals = sd.read_signals(data["files"], partitions=6, client=client)
    model = libscore.Model(data["bundle"])
    mine = str(tmp_path / "mine.csv")
    sd.write_csv(sd.predict(model, signals, ASOF), mine)
    assert _read(mine) == _read(out)
    sd.write_csv(sd.predict(data["bundle"], signals, ASOF), mine)
    assert _read(mine) == _read(out)
    # six partitions scored twice: each worker process loaded the bundle at most once
    loads = client.run(sd.model_loads)
    assert all(n <= 1 for n in loads.values()) and sum(loads.values()) >= 1
    model.close()


def _die_once(frame, marker):
    """Kill this worker process the first time it runs (mid-score)."""
    if not os.path.exists(marker):
        with open(marker, "w"):
            pass
        os._exit(1)
    return frame


def test_worker_killed_mid_score_output_complete(data, client, tmp_path):
    single = str(tmp_path / "single.csv")
    args = ["predict", "--model", data["bundle"], "--asof", ASOF, "--out", single]
    for f in data["files"]:
        args += ["--signals", f]
    assert _cli(*args).returncode == 0
    signals = sd.read_signals(data["files"], partitions=4, client=client)
    scored = sd.predict(data["bundle"], signals, ASOF)
    marker = str(tmp_path / "died")
    scored = scored.map_partitions(_die_once, marker, meta=scored._meta)
    whole = scored.compute()
    assert os.path.exists(marker)   # a worker did die
    assert not whole["uscc"].duplicated().any()
    mine = str(tmp_path / "mine.csv")
    sd.write_csv(scored, mine)
    assert _read(mine) == _read(single)
    client.wait_for_workers(2, timeout=60)


def test_malformed_partition_reported_rest_complete(data, client, tmp_path):
    bad = str(tmp_path / "bad.csv")
    with open(data["files"][1], encoding="utf-8") as f:
        lines = f.read().splitlines()
    lines[3] = "91330100000000001Y,tax,sales,2024-13,12"    # no such month
    lines[7] = "not-a-code,tax,sales,2024-01,5"
    lines[9] = '"unterminated,tax,sales,2024-01,5'
    with open(bad, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    files = [data["files"][0], bad, data["files"][2]]
    signals = sd.read_signals(files, partitions=3, client=client)
    check = signals.check()
    with libscore.Panel() as panel:
        counts = {}
        for f in files:
            for key, value in panel.read(f).items():
                counts[key] = counts.get(key, 0) + value
        expected = [(bad, d["line"], d["column"]) for d in panel.diagnostics]
        codes, matrix = panel.features(ASOF)
    assert check["counts"] == counts and counts["rejected"] == 3
    assert [(d["file"], d["line"], d["column"]) for d in check["diagnostics"]] == expected
    assert [d["line"] for d in check["diagnostics"]] == [4, 8, 10]
    whole = signals.features(ASOF).compute().sort_values("uscc")
    assert list(whole["uscc"]) == codes
    assert np.array_equal(whole.drop(columns="uscc").to_numpy(np.float32).view(np.uint32),
                          matrix.view(np.uint32))


def test_unreadable_file_reported_others_complete(data, client, tmp_path):
    broken = str(tmp_path / "broken.csv.gz")
    with open(broken, "wb") as f:
        f.write(gzip.compress(b"uscc,source,field,period,value\n" * 50)[:40])  # truncated
    signals = sd.read_signals([data["files"][0], broken], partitions=2, client=client)
    check = signals.check()
    assert len(check["errors"]) == 1 and broken in check["errors"][0]
    # a partition brought from its worker (pickled) still tells the failed file
    moved = signals.parts[0].compute()
    assert moved.errors == [check["errors"][0]] and len(moved.panel) > 0
    with libscore.Panel() as panel:
        panel.read(data["files"][0])
        n = len(panel.features(ASOF)[0])
    assert len(signals.features(ASOF).compute()) == n


def test_model_feature_mismatch_refused_before_work(data, client):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    table = libscore.Model.train_matrix(X, y, ["a", "b", "c"], max_rounds=5)
    signals = sd.read_signals(data["files"], partitions=2)   # not persisted: nothing ran
    with pytest.raises(ValueError, match="table model"):
        sd.predict(table, signals, ASOF)
    with pytest.raises(ValueError, match="month"):
        sd.predict(data["bundle"], signals, "2024-13")
    table.close()


def test_unreachable_scheduler_clear_error():
    with pytest.raises(ConnectionError, match="tcp://127.0.0.1:9"):
        sd.connect("tcp://127.0.0.1:9", timeout=2)


def test_score_dask_command(data, client, tmp_path, capsys):
    single = str(tmp_path / "single.csv")
    args = ["predict", "--model", data["bundle"], "--asof", ASOF, "--reasons", "2"]
    for f in data["files"]:
        args += ["--signals", f]
    assert _cli(*args, "--out", single).returncode == 0
    mine = str(tmp_path / "mine.csv")
    env = dict(os.environ, LIBSCORE_LIBRARY=LIBRARY)
    run = subprocess.run([os.path.join(ROOT, "tools", "score-dask"), *args, "--out", mine,
                          "--scheduler", client.scheduler.address, "--partitions", "3"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert _read(mine) == _read(single)
    # a model that does not eat signals: refused, exit 2, before any cluster
    table = str(tmp_path / "table.json.gz")
    X = np.random.default_rng(2).normal(size=(100, 2))
    m = libscore.Model.train_matrix(X, (X[:, 0] > 0).astype(int), ["a", "b"], max_rounds=3)
    m.save(table)
    m.close()
    from libscore import dask_cli
    assert dask_cli.main(["predict", "--model", table, "--signals", data["files"][0], "--asof",
                          ASOF, "--out", mine, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "table model" in capsys.readouterr().err
    assert dask_cli.main(["train"]) == 1
    assert "unknown command" in capsys.readouterr().err


def test_alerts_merged_equal_single_machine(data, client):
    signals = sd.read_signals(data["files"], partitions=3, client=client)
    with libscore.Panel() as panel:
        for f in data["files"]:
            panel.read(f)
        with libscore.Model(data["bundle"]) as model:
            expected = libscore.monitor_evaluate(panel, ASOF, "2024-06", model)
    got = sd.alerts(signals, ASOF, "2024-06", model=data["bundle"])
    assert got == expected and len(expected) > 0
