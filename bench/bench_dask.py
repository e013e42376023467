"""libscore.dask against one process, measured in one run (bench/README.md).

    LIBSCORE_LIBRARY=build/libscore.so /usr/bin/python3 bench/bench_dask.py DIR [PARTITIONS]

DIR holds `score synth` output (signals.csv.gz) and model.json.gz. Times:
read + features, and read + predict with reasons, for the CLI (one process,
--threads 1), then LocalClusters of 1 and 2 single-threaded worker
processes; peak RSS of each worker. Prints one line each.
"""
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
os.environ["PYTHONPATH"] = os.path.join(ROOT, "python")

from libscore import dask as sd  # noqa: E402

ASOF = "2024-12"


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cli(score, args):
    start = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-f", "%M", score, *args, "--threads", "1"],
                         capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(run.stderr.strip().splitlines()[-1])


def main():
    data = sys.argv[1]
    partitions = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    signals = os.path.join(data, "signals.csv.gz")
    bundle = os.path.join(data, "model.json.gz")
    score = os.path.join(os.path.dirname(os.environ["LIBSCORE_LIBRARY"]), "score")
    out = os.path.join(data, "out")
    os.makedirs(out, exist_ok=True)
    t, kib = cli(score, ["features", "--signals", signals, "--asof", ASOF, "--out",
                         os.path.join(out, "f.csv")])
    print(f"one process (CLI)   features {t:7.1f} s  peak {kib / 1024:7.0f} MiB")
    t, kib = cli(score, ["predict", "--model", bundle, "--signals", signals, "--asof", ASOF,
                         "--out", os.path.join(out, "p.csv")])
    print(f"one process (CLI)   predict  {t:7.1f} s  peak {kib / 1024:7.0f} MiB")
    from distributed import Client, LocalCluster
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            start = time.perf_counter()
            s = sd.read_signals([signals], partitions=partitions, client=client)
            s.check()
            read = time.perf_counter() - start
            start = time.perf_counter()
            sd.write_parts(s.features(ASOF), os.path.join(out, f"f{workers}"))
            features = time.perf_counter() - start
            start = time.perf_counter()
            sd.write_parts(sd.predict(bundle, s, ASOF), os.path.join(out, f"p{workers}"))
            predict = time.perf_counter() - start
            peaks = client.run(peak_kib)
            print(f"LocalCluster {workers} worker(s): read {read:7.1f} s  features {features:7.1f} s"
                  f"  predict {predict:7.1f} s  peak per worker "
                  + " ".join(f"{v / 1024:.0f}" for v in peaks.values()) + " MiB")


if __name__ == "__main__":
    main()
