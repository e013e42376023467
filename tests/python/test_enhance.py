import json
import os
import subprocess

import pytest

import libscore
from libscore import ScoreError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

EXAMPLE = {"uscc": "914403001922038216", "pd": 0.01, "lgd": 0.45, "amount": 5000000,
           "tenor_years": 2.5, "annual_sales": 39000000,
           "orders_verified": 2000000, "receivables_verified": 1000000,
           "patents": {"invention": 3000000, "utility": 500000, "trademark": 0},
           "guarantee": {"share": 0.5, "pd": 0.003}, "compensation_share": 0.3}


def test_the_formula_test_vectors():
    no_floor = libscore.EnhanceConfig(values={"pd_floor": 0.0001})
    assert round(no_floor.risk_weight(0.01), 4) == 0.9232
    assert round(no_floor.risk_weight(0.01, annual_sales=39000000), 4) == 0.7239
    assert round(no_floor.risk_weight(0.0003), 4) == 0.1444
    # the default floor of 0.05%
    assert round(libscore.enhance_risk_weight(0.0003), 4) == 0.1965
    # M and S clamps
    assert libscore.enhance_risk_weight(0.01, tenor_years=0.25) == \
        libscore.enhance_risk_weight(0.01, tenor_years=1)
    assert libscore.enhance_risk_weight(0.01, annual_sales=1000) == \
        libscore.enhance_risk_weight(0.01, annual_sales=39000000)
    no_floor.close()
    with pytest.raises(ValueError):
        no_floor.risk_weight(0.01)


def test_worked_example():
    offer = libscore.enhance_compute(EXAMPLE)
    assert offer["uscc"] == EXAMPLE["uscc"]
    assert offer["grade"] == "BB"
    assert offer["limit"] == 5000000
    assert offer["limit_available"] == 6925000
    assert offer["limit_parts"] == {"sales": 3900000, "patents": 825000, "orders": 1400000,
                                    "receivables": 800000}
    assert offer["lgd_effective"] == pytest.approx(0.09, abs=1e-15)
    assert offer["risk_weight"] == pytest.approx(0.7239472732759602 * 0.2, rel=1e-12)
    assert offer["capital"] == 57915.78
    assert offer["expected_loss"] == 4500
    assert offer["rate"] == pytest.approx(0.03182665250979323, rel=1e-13)
    bare = offer["without_enhancement"]
    assert bare["limit"] == 3900000
    assert bare["lgd_effective"] == 0.45
    assert bare["capital"] == 225871.55
    assert bare["rate"] == pytest.approx(0.03913326254896614, rel=1e-13)
    assert offer["rate"] < bare["rate"] and offer["limit"] > bare["limit"]


def test_without_equals_the_request_stripped():
    stripped = {k: v for k, v in EXAMPLE.items()
                if k not in ("orders_verified", "receivables_verified", "patents", "guarantee",
                             "compensation_share")}
    bare = libscore.enhance_compute(stripped)
    offer = libscore.enhance_compute(EXAMPLE)
    without = dict(offer["without_enhancement"])
    assert {k: v for k, v in bare.items() if k not in ("uscc", "without_enhancement")} == without
    assert bare["without_enhancement"] == without


def test_substitution_and_struct_requests():
    request = libscore.enhance_parse_request(
        dict(EXAMPLE, guarantee={"share": 0.5, "pd": 0.003, "substitution": True}))
    assert request.guarantee_approach == libscore.GUARANTEE_SUBSTITUTION
    assert request.amount == 500000000  # fen
    offer = libscore.enhance_compute(request)
    assert offer["lgd_effective"] == pytest.approx(0.315)
    assert offer["pd"] == pytest.approx(0.0065)
    assert offer["risk_weight"] == pytest.approx(0.4437123567631414, rel=1e-12)
    # a request without a PD parses (a model may supply it) but is not computed
    request = libscore.enhance_parse_request('{"amount": 100, "tenor_years": 1}')
    with pytest.raises(ScoreError) as err:
        libscore.enhance_compute(request)
    assert "request.pd: not given" in str(err.value)
    request.pd = 0.02
    assert libscore.enhance_compute(request)["grade"] == "B"


@pytest.mark.parametrize("change, message", [
    ({"amount": -5}, "request.amount: amount outside"),
    ({"pd": 1.2}, "request.pd: 1.2 is outside 0..1"),
    ({"pd": -0.1}, "request.pd"),
    ({"compensation_share": 1.5}, "request.compensation_share"),
    ({"guarantee": {"share": 0.9}}, "guarantee.share 0.9 + compensation_share 0.3 is above 1"),
    ({"guarantee": {"share": 0.5, "pd": 0.01, "substitution": True, "lgd_sharing": True}},
     "substitution and lgd_sharing both asked for"),
    ({"patents": {"invention": -1}}, "request.patents.invention"),
    ({"typo": 1}, 'request: unknown key "typo"'),
])
def test_bad_requests_are_refused(change, message):
    with pytest.raises(ScoreError) as err:
        libscore.enhance_compute(dict(EXAMPLE, **change))
    assert message in str(err.value)
    assert err.value.code == -4  # SCORE_EFORMAT


def test_configuration(tmp_path):
    with libscore.EnhanceConfig() as defaults:
        d = defaults.to_dict()
    assert d["pd_floor"] == 0.0005 and d["eur_rate"] == 7.8
    assert d["advance_rates"] == {"invention": 0.25, "utility": 0.15, "trademark": 0.5,
                                  "orders": 0.7, "receivables": 0.8}
    assert d["sales_shares"]["D"] == 0
    china = {"pd_floor": 0.0005, "firm_size": {"currency": "CNY", "floor_millions": 30,
                                               "ceiling_millions": 300}}
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(china))
    with libscore.EnhanceConfig(path) as config:
        assert config.to_dict()["firm_size"]["currency"] == "CNY"
        # 39 million yuan lies within 30..300 million yuan: S is 39, in yuan
        offer = config.compute(EXAMPLE)
        assert offer["firm_size"] == pytest.approx(39.0)
        again = libscore.EnhanceConfig(text=config.to_json())
        assert again.to_dict() == config.to_dict()
        again.close()
    path.write_text('{"advance_rates": {"orders": 1.5}}')
    with pytest.raises(ScoreError) as err:
        libscore.EnhanceConfig(path)
    assert "config.advance_rates.orders: 1.5 is outside 0..1" in str(err.value)
    assert str(path) in str(err.value)
    with pytest.raises(ScoreError):
        libscore.EnhanceConfig(values={"hurdle": 0.1})
    with pytest.raises(ValueError):
        libscore.EnhanceConfig(path, values={})


SCORE = os.path.join(ROOT, "build", "score")


@pytest.fixture
def score_program():
    if not os.path.exists(SCORE):
        pytest.skip("the score program is not built in build/")
    return SCORE


def test_the_command_line_agrees(score_program, tmp_path):
    request = tmp_path / "req.json"
    request.write_text(json.dumps(EXAMPLE))
    done = subprocess.run([score_program, "enhance", "--request", str(request)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    offer = libscore.enhance_compute(EXAMPLE)
    # since 1.1 the command prints the regulatory and economic views
    # (score_enhance_evaluate); tests/unit/test_enhance_views.c checks their
    # figures. What both share must agree.
    for key in ("grade", "pd"):
        assert printed[key] == offer[key]
    assert printed["without_enhancement"]["limit"] == offer["without_enhancement"]["limit"]
    for block in ("regulatory", "economic"):
        assert block in printed and block in printed["without_enhancement"]
    assert printed["approach"] == "standardised"
    assert printed["comparison"]["bank_rate"] == printed["rate"]


def test_the_command_line_batch(score_program, tmp_path):
    lines = tmp_path / "reqs.jsonl"
    lines.write_text(json.dumps(EXAMPLE) + "\n\n" +
                     json.dumps(dict(EXAMPLE, pd=3)) + "\n" +
                     '{"amount": 1,\n' +
                     json.dumps(dict(EXAMPLE, uscc="91330100799655058B")) + "\n")
    out = tmp_path / "out.jsonl"
    done = subprocess.run([score_program, "enhance", "--requests", str(lines),
                           "--output", str(out)], capture_output=True, text=True)
    assert done.returncode == 3
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in results] == [1, 5]
    assert results[1]["uscc"] == "91330100799655058B"
    assert f"{lines}:3: request.pd: 3 is outside 0..1" in done.stderr
    assert f"{lines}:4: column " in done.stderr
    done = subprocess.run([score_program, "enhance", "--request", str(lines), "--model", "m"],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "needs --model, --signals and --asof" in done.stderr
