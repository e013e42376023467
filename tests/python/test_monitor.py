"""Monitoring through Python: alerts (incremental against the whole
portfolio), the configuration, PSI, drift, the validation report's numbers
against an independent computation with numpy, the page rendered in a real
browser (headless Chromium), and the score monitor/drift/report commands."""
import csv
import io
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile

import numpy as np
import pytest

import libscore
from synthetic import generate, write

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = os.environ.get("LIBSCORE_LIBRARY", os.path.join(ROOT, "build", "libscore.so"))
SCORE = os.path.join(os.path.dirname(LIBRARY), "score")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("monitor")
    signals, labels = write(str(d), n=900, seed=4)
    panel = libscore.Panel()
    panel.read(signals, strict=True)
    model = libscore.Model.train_signals(panel, "2023-12", labels, max_rounds=60)
    bundle = str(d / "model.json.gz")
    model.save(bundle)
    yield {"dir": d, "signals": signals, "labels": labels, "panel": panel, "model": model,
           "bundle": bundle}
    model.close()
    panel.close()


# ---- alerts ------------------------------------------------------------------------------

def test_alert_catalogue():
    codes = libscore.alert_codes()
    names = [c[0] for c in codes]
    for code in ("POWER_QOQ_DROP", "SALES_YOY_DROP", "TAX_ARREARS_NEW", "HEADCOUNT_DROP",
                 "LAWSUIT_NEW", "ENFORCEMENT_NEW", "DISHONEST_LISTED", "TAX_RATING_C",
                 "TAX_RATING_D", "BUYER_CONCENTRATION", "INFLATED_INVOICES", "GRADE_FALL"):
        assert code in names
    assert all(sev in ("info", "warning", "critical") for _, sev, _ in codes)


def test_incremental_equals_whole_portfolio(data):
    """Month by month, with a share of the enterprises reporting each month."""
    model = data["model"]
    n = 300
    plan = [("2024-09", None), ("2024-10", 0.5), ("2024-11", 0.2), ("2024-12", 1.0)]
    rng = np.random.default_rng(2)
    reporting = {m: set(np.flatnonzero(rng.random(n) < (share or 1))) for m, share in plan}
    panel = libscore.Panel()
    monitor = libscore.Monitor(model)
    try:
        previous = None
        total = 0
        for month, share in plan:
            def only(i, m, month=month, first=share is None):
                if first:
                    return m <= month
                return m == month and i in reporting[month]
            lines, _ = generate(n, seed=7, only=only)
            panel.read_bytes(("uscc,source,field,period,value\n" + "\n".join(lines) + "\n").encode(),
                             strict=True)
            incremental = monitor.update(panel, month)
            full = libscore.monitor_evaluate(panel, month, previous, model=model)
            assert incremental == full, month
            stats = monitor.stats
            assert stats["evaluated"] + stats["carried"] == stats["enterprises"] == n
            if share is not None:
                assert stats["evaluated"] == len(reporting[month])
            total += len(full)
            previous = month
        assert total > 10
        for alert in full:
            assert set(alert) == {"uscc", "code", "severity", "message_zh", "message_en",
                                  "evidence", "month", "previous_month"}
            assert libscore.uscc_valid(alert["uscc"])
            assert alert["evidence"]["month"] == "2024-12"
        with pytest.raises(libscore.ScoreError) as err:
            monitor.update(panel, "2024-12")
        assert "not after the monitor's month" in str(err.value)
    finally:
        monitor.close()
        panel.close()


def test_config(data):
    with pytest.raises(libscore.ScoreError) as err:
        libscore.MonitorConfig(values={"alerts": {"POWER_QOQ_DROP": {"max_chnage": -0.2}}})
    assert "unknown key \"max_chnage\"" in str(err.value)
    with libscore.MonitorConfig(values={"alerts": {"LAWSUIT_NEW": {"enabled": False}}}) as c:
        doc = c.to_dict()
        assert doc["alerts"]["LAWSUIT_NEW"]["enabled"] is False
        assert doc["alerts"]["GRADE_FALL"]["min_notches"] == 2
        alerts = libscore.monitor_evaluate(data["panel"], "2024-06", config=c)
        assert alerts and all(a["code"] != "LAWSUIT_NEW" for a in alerts)
        again = libscore.MonitorConfig(text=c.to_json())
        assert again.to_dict() == doc
    assert any(a["code"] == "LAWSUIT_NEW"
               for a in libscore.monitor_evaluate(data["panel"], "2024-06"))


# ---- PSI and drift -------------------------------------------------------------------------

def test_psi_against_numpy():
    e = np.array([0.1, 0.2, 0.3, 0.4])
    a = np.array([0.15, 0.25, 0.2, 0.4])
    assert libscore.psi(e, a) == pytest.approx(np.sum((a - e) * np.log(a / e)), abs=1e-15)
    # an empty bin counts as 0.0001, on either side
    e0 = np.array([0.5, 0.5, 0.0])
    a0 = np.array([0.5, 0.4, 0.1])
    hand = (0.4 - 0.5) * math.log(0.8) + (0.1 - 1e-4) * math.log(0.1 / 1e-4)
    assert libscore.psi(e0, a0) == pytest.approx(hand, abs=1e-12)
    assert libscore.psi(a0, e0) == pytest.approx(hand, abs=1e-12)
    assert libscore.psi(e0, e0) == 0
    assert [libscore.psi_verdict(x) for x in (0.0999, 0.1, 0.25, 0.2501)] == \
        ["stable", "investigate", "investigate", "shifted"]
    # refused in Python before the library sees it (which refuses it too)
    with pytest.raises(ValueError, match="shares"):
        libscore.psi([0.5, 0.5], [-0.5, 1.5])


def test_drift(data):
    doc = libscore.drift(data["model"], data["panel"], "2024-12", previous="2024-06")
    entries = doc["entries"]
    assert len(entries) == data["model"].n_features + 1 and entries[-1]["name"] == "score"
    for e in entries:
        assert np.isfinite(e["psi"])
        assert e["expected"].sum() == pytest.approx(1) and e["actual"].sum() == pytest.approx(1)
        assert e["psi"] == pytest.approx(libscore.psi(e["expected"], e["actual"]), abs=1e-12)
    assert doc["score"]["psi"] == pytest.approx(entries[-1]["psi"], abs=1e-6)
    matrix = doc["migration_matrix"]
    assert matrix.shape == (10, 10) and matrix.sum() == doc["migration"]["enterprises"] == 900
    assert doc["migration"]["counts"] == matrix.tolist()
    at_training = libscore.drift(data["model"], data["panel"], "2023-12")
    assert max(e["psi"] for e in at_training["entries"]) < 1e-12
    assert "migration" not in at_training


# ---- the report ------------------------------------------------------------------------------

def _ranks(x):
    """Average ranks (1-based), ties sharing the mean of their ranks."""
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _independent(data, asof):
    """AUC (Mann-Whitney), KS and default rate by grade from the model's
    scores of the panel and the labels file, with numpy."""
    scored = data["model"].score_panel(data["panel"], asof)
    with open(data["labels"]) as f:
        labels = {row["uscc"]: int(row["default"]) for row in csv.DictReader(f)}
    keep = [i for i, u in enumerate(scored["uscc"]) if u in labels]
    pd = scored["pd"][keep]
    y = np.array([labels[scored["uscc"][i]] for i in keep])
    grade = [scored["grade"][i] for i in keep]
    nb, ng = y.sum(), len(y) - y.sum()
    auc = (_ranks(pd)[y == 1].sum() - nb * (nb + 1) / 2) / (nb * ng)
    thresholds = np.unique(pd)
    ks = max(abs((pd[y == 1] >= t).sum() / nb - (pd[y == 0] >= t).sum() / ng) for t in thresholds)
    by_grade = {}
    for g, label in zip(grade, y):
        n, d = by_grade.get(g, (0, 0))
        by_grade[g] = (n + 1, d + label)
    return auc, ks, y.mean(), by_grade, len(y)


def test_report_numbers_against_numpy(data):
    asof = "2023-12"
    auc, ks, rate, by_grade, n = _independent(data, asof)
    with libscore.Report(data["model"], data["panel"], data["labels"], asof) as report:
        s = report.summary
        assert s["labelled"] == n and s["asof"] == 202312
        assert s["auc"] == pytest.approx(auc, abs=1e-12)
        assert s["gini"] == pytest.approx(2 * auc - 1, abs=1e-12)
        assert s["ks"] == pytest.approx(ks, abs=1e-12)
        assert s["default_rate"] == pytest.approx(rate, abs=1e-15)
        for g in report.grades():
            count, defaults = by_grade.get(g["grade"], (0, 0))
            assert (g["count"], g["defaults"]) == (count, defaults), g["grade"]
            if count:
                assert g["default_rate"] == pytest.approx(defaults / count, abs=1e-15)
                assert g["ci_low"] <= g["default_rate"] <= g["ci_high"]
        html = report.html()
    # and the same numbers in the page
    metric = dict(re.findall(r'data-metric="(\w+)" data-value="([^"]*)"', html))
    assert float(metric["auc"]) == pytest.approx(auc, abs=1e-9)
    assert float(metric["ks"]) == pytest.approx(ks, abs=1e-9)
    assert float(metric["default_rate"]) == pytest.approx(rate, abs=1e-9)
    rows = re.findall(r'data-grade="(\w+)" data-count="(\d+)" data-defaults="(\d+)" '
                      r'data-rate="([^"]*)"', html)
    assert len(rows) == 10
    for grade, count, defaults, shown in rows:
        assert (int(count), int(defaults)) == by_grade.get(grade, (0, 0))
        if int(count):
            assert float(shown) == pytest.approx(int(defaults) / int(count), abs=1e-9)


def test_report_validation_pack_against_scipy(data):
    """Every figure of score_report_json recomputed here: deciles with numpy,
    the Jeffreys and Hosmer-Lemeshow tests with scipy's distributions."""
    from scipy import stats
    asof = "2023-12"
    scored = data["model"].score_panel(data["panel"], asof)
    with open(data["labels"]) as f:
        labels = {row["uscc"]: int(row["default"]) for row in csv.DictReader(f)}
    keep = [i for i, u in enumerate(scored["uscc"]) if u in labels]
    pd = scored["pd"][keep]
    score = scored["score"][keep]
    y = np.array([labels[scored["uscc"][i]] for i in keep])
    grade = [scored["grade"][i] for i in keep]
    with libscore.Report(data["model"], data["panel"], data["labels"], asof) as report:
        doc = report.json()
        html = report.html()
    n, nb = len(y), int(y.sum())
    ng = n - nb
    assert (doc["labelled"], doc["defaults"]) == (n, nb)
    # the gains table: riskiest first, ties in the sample's order
    order = np.argsort(-pd, kind="stable")
    cum_bad = cum_good = 0
    expected_hl = 0.0
    assert len(doc["deciles"]) == 10
    for d, row in enumerate(doc["deciles"]):
        part = order[d * n // 10:(d + 1) * n // 10]
        count, bad = len(part), int(y[part].sum())
        cum_bad += bad
        cum_good += count - bad
        assert (row["count"], row["defaults"]) == (count, bad)
        assert (row["score_min"], row["score_max"]) == (score[part].min(), score[part].max())
        assert row["pd_mean"] == pytest.approx(pd[part].mean(), rel=1e-12)
        assert row["lift"] == pytest.approx((bad / count) / (nb / n), rel=1e-12)
        assert row["ks"] == pytest.approx(cum_bad / nb - cum_good / ng, abs=1e-12)
        e = pd[part].sum()
        expected_hl += (bad - e) ** 2 / (e * (1 - e / count))
    assert cum_bad == nb and cum_good == ng
    hl = doc["hosmer_lemeshow"]
    assert hl["df"] == 8
    assert hl["statistic"] == pytest.approx(expected_hl, rel=1e-10)
    assert hl["p_value"] == pytest.approx(stats.chi2.sf(expected_hl, 8), rel=1e-9, abs=1e-14)
    # Gini's interval by Hanley and McNeil, KS's by the DKW bound
    auc = doc["auc"]
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    se = np.sqrt((auc * (1 - auc) + (nb - 1) * (q1 - auc ** 2) + (ng - 1) * (q2 - auc ** 2)) / (nb * ng))
    assert doc["auc_se"] == pytest.approx(se, rel=1e-12)
    assert doc["gini_low"] == pytest.approx(max(-1, 2 * (auc - 1.959963984540054 * se) - 1), rel=1e-12)
    assert doc["gini_high"] == pytest.approx(min(1, 2 * (auc + 1.959963984540054 * se) - 1), rel=1e-12)
    eps = np.sqrt(np.log(2 / 0.025) / 2 / nb) + np.sqrt(np.log(2 / 0.025) / 2 / ng)
    assert doc["ks_low"] == pytest.approx(max(0, doc["ks"] - eps), abs=1e-12)
    assert doc["ks_high"] == pytest.approx(min(1, doc["ks"] + eps), abs=1e-12)
    # Jeffreys per grade against scipy's beta distribution
    for g in doc["grades"]:
        members = [i for i, name in enumerate(grade) if name == g["grade"]]
        assert g["count"] == len(members)
        if not members:
            assert g["jeffreys_p"] is None
            continue
        d = int(y[members].sum())
        mean_pd = pd[members].mean()
        assert g["mean_pd"] == pytest.approx(mean_pd, rel=1e-12)
        p = stats.beta.cdf(mean_pd, d + 0.5, len(members) - d + 0.5)
        assert g["jeffreys_p"] == pytest.approx(p, rel=1e-8, abs=1e-13), g["grade"]
    # the challenger exists and discriminates; the reason counts add up
    ch = doc["challenger"]
    assert ch["features"] > 0 and 0.55 < ch["auc"] <= 1, ch
    reasons = doc["reasons"]
    assert sum(c["first"] for c in reasons["codes"]) == reasons["rows"]
    assert all(c["any"] >= c["first"] for c in reasons["codes"])
    assert {p["name"] for p in doc["psi"]} >= {"score"}
    for section in ("Gains table by decile", "Calibration tests", "Challenger", "Reason codes given",
                    "95% intervals"):
        assert section in html, section


# ---- the page in a real browser -----------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def render(html_path, png_path, timeout=120):
    """Render a page with headless Chromium: (console lines, stderr)."""
    profile = tempfile.mkdtemp(prefix="score-chromium-")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
               "--window-size=1200,2600", "--enable-logging=stderr", "--v=0",
               f"--screenshot={png_path}", "file://" + os.path.abspath(html_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"chromium did not finish within {timeout} s")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    err = err.decode("utf-8", "replace")
    # every console message of the page (an error, a warning, even a log):
    # the report has no script, so any of them is a fault
    console = [line for line in err.splitlines() if ":CONSOLE" in line]
    return console, err


def not_blank(png_path):
    from PIL import Image
    with Image.open(png_path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    ink = (np.abs(pixels - pixels[0, 0]).sum(axis=2) > 60).mean()
    colours = len(np.unique(pixels.reshape(-1, 3)[::37], axis=0))
    return ink, colours


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                    "(scripts/install-deps.sh --browser installs it)")
def test_report_renders_in_chromium(data, tmp_path):
    page = tmp_path / "report.html"
    with libscore.Report(data["model"], data["panel"], data["labels"], "2024-06") as report:
        report.save(str(page))
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text and "src=" not in text
    png = tmp_path / "report.png"
    console, err = render(page, png)
    assert png.exists(), err[-2000:]
    assert console == [], console
    ink, colours = not_blank(png)
    assert ink > 0.05, f"only {ink:.1%} of the screenshot differs from the background"
    assert colours > 20

    # the check can fail: a page with a script error is caught, a white page is blank
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>undefinedFunction()</script>")
    console, _ = render(bad, tmp_path / "bad.png")
    assert any("undefinedFunction" in line for line in console)
    white = tmp_path / "white.html"
    white.write_text("<!DOCTYPE html><body style='background:#fff'></body>")
    render(white, tmp_path / "white.png")
    assert not_blank(tmp_path / "white.png")[0] < 0.001


# ---- the commands ----------------------------------------------------------------------------------

def run(*args):
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(LIBRARY))
    return subprocess.run([SCORE, *args], capture_output=True, env=env, timeout=300)


@pytest.mark.skipif(not os.path.exists(SCORE), reason="the score program is not built")
def test_commands(data, tmp_path):
    common = ["--model", data["bundle"], "--signals", data["signals"]]
    out = tmp_path / "alerts.csv"
    r = run("monitor", *common, "--asof", "2024-06", "--out", str(out))
    assert r.returncode == 0, r.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["uscc", "code", "severity", "message_zh", "message_en", "evidence"]
    expected = libscore.monitor_evaluate(data["panel"], "2024-06", model=data["model"])
    assert len(rows) - 1 == len(expected) > 0
    for row, alert in zip(rows[1:], expected):
        assert row[:5] == [alert["uscc"], alert["code"], alert["severity"], alert["message_zh"],
                           alert["message_en"]]
        assert json.loads(row[5]) == alert["evidence"]

    r = run("drift", *common, "--asof", "2024-12", "--previous", "2024-06")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["asof"] == "2024-12" and len(doc["features"]) == 81 and "migration" in doc
    assert b"score PSI" in r.stderr

    page = tmp_path / "r.html"
    r = run("report", *common, "--labels", data["labels"], "--asof", "2023-12", "--out", str(page))
    assert r.returncode == 0, r.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    # usage errors: 1; inputs that cannot be used: 2; rejected lines: 3
    assert run("monitor", *common, "--asof", "2024-13", "--out", str(out)).returncode == 1
    assert run("monitor", *common, "--asof", "2024-06").returncode == 1
    assert run("drift", *common, "--asof", "2024-06", "--previous", "2024-06").returncode == 1
    assert run("report", *common, "--asof", "2024-06", "--out", str(page)).returncode == 1
    assert run("monitor", "--bogus").returncode == 1
    missing = run("monitor", "--model", str(tmp_path / "none.gz"), "--signals", data["signals"],
                  "--asof", "2024-06", "--out", str(out))
    assert missing.returncode == 2 and b"cannot load the model" in missing.stderr
    bad_config = tmp_path / "c.json"
    bad_config.write_text('{"alerts": {"NOPE": {}}}')
    r = run("monitor", *common, "--asof", "2024-06", "--out", str(out), "--config", str(bad_config))
    assert r.returncode == 2 and b"unknown alert code" in r.stderr
    bad_lines = tmp_path / "bad.csv"
    bad_lines.write_text("uscc,source,field,period,value\nnot-a-uscc,tax,sales,2024-06,1\n")
    r = run("monitor", *common, "--signals", str(bad_lines), "--asof", "2024-06", "--out", str(out))
    assert r.returncode == 3, r.stderr
    for command in ("monitor", "drift", "report"):
        r = run(command, "--help")
        assert r.returncode == 0 and r.stdout.startswith(b"usage: score " + command.encode())
    shown = run("monitor", "--show-config")
    assert shown.returncode == 0 and json.loads(shown.stdout)["version"] == 1
