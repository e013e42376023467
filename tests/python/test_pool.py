"""The pool wrapper: ledger, refusals, files, simulation and sizing."""
import numpy as np
import pytest

import libscore
from libscore import pool as lp
from synthetic import uscc


A, B, C = uscc(1), uscc(2), uscc(3)


def conserved(s):
    flows = s["injected"] + s["deposited"] + s["lent"]
    held = (s["loans_outstanding"] + s["deposits"] + s["fund_balance"] + sum(s["losses"].values())
            + s["repaid"] + s["refunded"] + s["compensation"] + s["recoveries_paid"])
    return flows == held


def test_the_fuqing_waterfall(tmp_path):
    d = str(tmp_path / "ledger")
    libscore.Pool.create(d, libscore.pool_config(preset="fuqing", single_member_cap=1.0))
    with libscore.Pool(d) as pool:
        pool.apply("inject", amount=100000_00)
        pool.apply("join", A, 10000_00, pd=0.02)
        pool.apply("join", B, 20000_00, pd=0.02)
        pool.apply("join", C, 30000_01, pd=0.02)
        pool.apply("lend", A, 200000_00)
        out = pool.apply("default", A, 200000_00)
        assert out["own"] == 10000_00
        assert out["parties"] == {"members": 60000_01, "bank": 70000_00, "fund": 69999_99,
                                  "guarantor": 0, "reguarantor": 0}
        s = pool.state()
        assert s["status"] == "suspended" and s["fund_balance"] == 30000_01
        assert conserved(s)
        assert pool.member(B)["loss_borne"] == 20000_00
        assert [m["uscc"] for m in pool.members()] == [A, B, C]


def test_refusals_and_ids(tmp_path):
    d = str(tmp_path / "ledger")
    libscore.Pool.create(d)
    with libscore.Pool(d) as pool:
        first = pool.apply("join", A, 1000_00, pd=0.02, event_id="j-A")
        again = pool.apply("join", A, 1000_00, pd=0.02, event_id="j-A")
        assert again["duplicate"] and again["sequence"] == first["sequence"] == 1
        before = pool.state()
        with pytest.raises(libscore.ScoreError) as err:
            pool.apply("lend", A, 100000_00)
        assert err.value.code == -5 and "lending capacity" in str(err.value)
        with pytest.raises(libscore.ScoreError, match="admission maximum"):
            pool.apply("join", B, 0, pd=0.2)
        assert pool.state() == before
        with pytest.raises(ValueError):
            pool.apply("borrow", A, 1)
    with libscore.Pool(d, read_only=True) as reader:
        assert reader.state()["events"] == 1
        with pytest.raises(libscore.ScoreError, match="read-only"):
            reader.apply("deposit", A, 1)


def test_events_file_and_torn_tail(tmp_path):
    d = str(tmp_path / "ledger")
    libscore.Pool.create(d, libscore.pool_config(single_member_cap=1.0))
    events = tmp_path / "events.csv"
    events.write_text("type,uscc,amount,pd,event_id\n"
                      f"inject,,5000,,f\njoin,{A},400,0.01,\nlend,{A},10000,,\n"
                      f"lend,{A},1,,\ndefault,{A},9999,,\n")
    with libscore.Pool(d) as pool:
        counts = pool.apply_file(str(events))
        assert counts == {"lines": 5, "applied": 3, "duplicates": 0, "refused": 2}
        assert pool.diagnostics[0]["text"].startswith(str(events) + ":5: lend")
        assert pool.diagnostics[1]["line"] == 6
        size = pool.state()["journal_bytes"]
    journal = tmp_path / "ledger" / "pool.journal"
    with open(journal, "ab") as f:
        f.write(b"\x01\x02\x03")
    with libscore.Pool(d) as pool:
        assert pool.state()["torn_bytes"] == 3
        assert "torn tail" in pool.warnings[0]["text"]
    assert journal.stat().st_size == size


def members(n=200, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.002, 0.04, n), rng.integers(100000_00, 500000_00, n),
            np.full(n, 0.45))


def test_simulate_is_deterministic_and_sane():
    pd, ead, lgd = members()
    config = libscore.pool_config(compensation_fund=1000000_00)
    one = libscore.simulate(config, pd, ead, lgd, scenarios=4000, seed=3, threads=1)
    two = libscore.simulate(config, pd, ead, lgd, scenarios=4000, seed=3, threads=2)
    assert one == two
    assert abs(one["default_rate"] - pd.mean()) < 4 * one["default_rate_stderr"]
    assert one["loss_q95"] <= one["loss_q99"] <= one["loss_q999"]
    assert sum(one["party_expected_loss"].values()) == pytest.approx(one["expected_loss"])
    with pytest.raises(libscore.ScoreError, match="pd"):
        libscore.simulate(config, pd * 100, ead, lgd, scenarios=10)
    with pytest.raises(ValueError):
        libscore.simulate(config, pd[:5], ead, lgd)


def test_size_deposit_rate():
    pd, ead, lgd = members()
    config = libscore.pool_config()
    solved, result = libscore.size(config, pd, ead, lgd, "deposit_rate", 0.01,
                                   scenarios=3000, seed=5)
    assert 0 < solved.deposit_rate < 1
    assert result["party_p_loss"]["bank"] <= 0.01
    again = libscore.simulate(solved, pd, ead, lgd, scenarios=3000, seed=5)
    assert again == result
    with pytest.raises(libscore.ScoreError, match="no fund"):
        libscore.size(config, pd, ead, lgd, "fund", 0.0001, scenarios=2000)


def test_read_members(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(f"uscc,pd,ead,lgd\n{A},0.02,1000.5,0.4\n{B},0.03,20,1\n")
    pd, ead, lgd = libscore.read_members(str(path))
    assert list(pd) == [0.02, 0.03] and list(ead) == [100050, 2000] and list(lgd) == [0.4, 1]
    path.write_text(f"uscc,pd,ead,lgd\n{A},0.02,1000.5,0.4\n{A},0.03,20,1\n")
    with pytest.raises(libscore.ScoreError, match="appears twice"):
        libscore.read_members(str(path))


def test_config_file(tmp_path):
    path = tmp_path / "pool.json"
    path.write_text('{"preset": "anhui-4321", "compensation_fund": 12.34}')
    c = lp.pool_config(str(path))
    assert (c.share_guarantor, c.compensation_fund) == (0.4, 1234)
    path.write_text('{"depositrate": 0.1}')
    with pytest.raises(libscore.ScoreError, match="unknown key"):
        lp.pool_config(str(path))
