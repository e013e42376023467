"""The evidence log through the score program, checked by an independent
implementation of RFC 9162's Merkle tree (section 2.1) written here with
hashlib only: the tree heads' roots, the inclusion proofs and the
consistency proofs the program prints."""
import hashlib
import json
import os
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = os.environ.get("LIBSCORE_LIBRARY", os.path.join(ROOT, "build", "libscore.so"))
SCORE = os.path.join(os.path.dirname(LIBRARY), "score")
MODEL = os.path.join(ROOT, "models", "default.json.gz")


def sha(b):
    return hashlib.sha256(b).digest()


def node(left, right):
    return sha(b"\x01" + left + right)


def mth(leaves):
    """RFC 9162 2.1.1 over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return sha(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    """RFC 9162 2.1.3.1 PATH(m, D[n])."""
    n = len(leaves)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, b):
    """RFC 9162 2.1.4.1 SUBPROOF(m, D[n], b)."""
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof):
    """RFC 9162 2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    proof = list(proof)
    if first & (first - 1) == 0:
        proof.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def read_log(directory):
    """The records of a log file, parsed here from docs/evidence.md."""
    data = open(os.path.join(directory, "log"), "rb").read()
    assert data[:8] == b"SCEVLOG\x1a"
    pos, records, prev = 16, [], b"\0" * 32
    while pos < len(data):
        length, number = struct.unpack_from("<IQ", data, pos + 4)
        payload = data[pos + 16:pos + 16 + length]
        assert number == len(records)
        assert payload[:32] == prev, "chained"
        leaf = sha(b"\x00" + struct.pack("<Q", number) + payload)
        records.append((payload, leaf))
        prev = leaf
        pos += 16 + length
    return records


def score(*args, check=True):
    r = subprocess.run([SCORE, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"score {' '.join(args)}: {r.returncode}\n{r.stderr}")
    return r


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    d = tmp_path_factory.mktemp("evidence")
    syn = str(d / "syn")
    score("synth", "--enterprises", "60", "--seed", "3", "--out", syn)
    log, keys = str(d / "log"), str(d / "keys")
    score("evidence", "keygen", "--out", keys)
    heads = []
    for i in range(2):
        score("predict", "--model", MODEL, "--signals", os.path.join(syn, "signals.csv.gz"),
              "--asof", "2024-12", "--out", str(d / f"p{i}.csv"), "--evidence", log,
              "--actor", "officer-3")
        h = str(d / f"head{i}.json")
        score("evidence", "head", "--log", log, "--key", os.path.join(keys, "evidence.key"),
              "--out", h)
        heads.append(h)
    return {"dir": d, "log": log, "keys": keys, "heads": heads}


def head(path):
    return json.load(open(path))


def test_heads_sign_the_roots_of_the_records(logged):
    records = read_log(logged["log"])
    leaves = [leaf for _, leaf in records]
    for h in map(head, logged["heads"]):
        assert mth(leaves[:h["tree_size"]]).hex() == h["root"]
    assert head(logged["heads"][1])["tree_size"] == len(records)
    kinds = [p[32] for p, _ in records]
    assert kinds.count(5) == 2 and kinds.count(1) == len(records) - 2   # model_loaded, score


def test_inclusion_proofs_match_rfc_9162(logged):
    leaves = [leaf for _, leaf in read_log(logged["log"])]
    h1 = logged["heads"][1]
    root = bytes.fromhex(head(h1)["root"])
    n = head(h1)["tree_size"]
    for i in sorted({0, 1, 2, 7, n // 2, n - 2, n - 1}):
        out = score("evidence", "prove", "--log", logged["log"], "--record", str(i),
                    "--head", h1).stdout
        proof = json.loads(out)
        hashes = [bytes.fromhex(x) for x in proof["path"]]
        assert hashes == path(i, leaves[:n]), f"record {i}"
        assert bytes.fromhex(proof["leaf_hash"]) == leaves[i]
        payload = bytes.fromhex(proof["record"]["payload"])
        assert sha(b"\x00" + struct.pack("<Q", i) + payload) == leaves[i]
        assert verify_inclusion(leaves[i], i, n, hashes, root)
        assert not verify_inclusion(leaves[i], (i + 1) % n, n, hashes, root)
        f = logged["dir"] / f"proof{i}.json"
        f.write_text(out)
        r = score("evidence", "check-proof", "--proof", str(f), "--head", h1, "--pubkey",
                  os.path.join(logged["keys"], "evidence.pub"))
        assert f"record {i} is in the log" in r.stdout


def test_consistency_proofs_match_rfc_9162(logged):
    leaves = [leaf for _, leaf in read_log(logged["log"])]
    h0, h1 = logged["heads"]
    n = head(h1)["tree_size"]
    root = bytes.fromhex(head(h1)["root"])
    for m in sorted({1, 2, 3, 4, 5, 8, head(h0)["tree_size"], n - 1, n}):
        out = score("evidence", "prove", "--log", logged["log"], "--old-size", str(m),
                    "--head", h1).stdout
        hashes = [bytes.fromhex(x) for x in json.loads(out)["path"]]
        assert hashes == (subproof(m, leaves[:n], True) if m < n else [])
        assert verify_consistency(m, n, mth(leaves[:m]), root, hashes), f"from {m}"
        if m > 1 and m < n:
            assert not verify_consistency(m, n, mth(leaves[:m - 1]), root, hashes)
    f = logged["dir"] / "consistency.json"
    f.write_text(score("evidence", "prove", "--log", logged["log"], "--old-size",
                       str(head(h0)["tree_size"]), "--head", h1).stdout)
    r = score("evidence", "check-proof", "--proof", str(f), "--head", h1, "--old-head", h0,
              "--pubkey", os.path.join(logged["keys"], "evidence.pub"))
    assert "extends" in r.stdout


def test_verify_names_a_flipped_record(logged, tmp_path):
    pub = os.path.join(logged["keys"], "evidence.pub")
    r = score("evidence", "verify", "--log", logged["log"], "--pubkey", pub, "--head",
              logged["heads"][0])
    assert r.stdout.startswith("intact:")
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in os.listdir(logged["log"]):
        (copy / name).write_bytes(open(os.path.join(logged["log"], name), "rb").read())
    data = bytearray((copy / "log").read_bytes())
    records = read_log(logged["log"])
    at = 16 + sum(16 + len(p) for p, _ in records[:9]) + 16 + 150
    data[at] ^= 0x04
    (copy / "log").write_bytes(bytes(data))
    r = score("evidence", "verify", "--log", str(copy), "--pubkey", pub, check=False)
    assert r.returncode == 2
    assert "record 9" in r.stderr and "first bad record: 9" in r.stderr
    assert "torn" not in r.stderr


def test_replay_is_bit_identical(logged):
    r = score("evidence", "replay", "--log", logged["log"], "--model", MODEL)
    n = len(read_log(logged["log"])) - 2
    assert f"{n} score records replayed, 0 differ" in r.stdout


def test_double_financing_is_refused(tmp_path):
    reg = str(tmp_path / "registry")
    doc = hashlib.sha256(b"receivable 2026-0042").hexdigest()
    base = ["evidence", "register", "--log", reg, "--kind", "receivable", "--doc-hash", doc,
            "--uscc", "91440306588493132L"]
    first = json.loads(score(*base, "--amount", "600000", "--face-amount", "1000000",
                             "--lender", "bank-a").stdout)
    assert first["registered"] and first["record"] == 0
    r = score(*base, "--amount", "1", "--lender", "bank-b", check=False)
    assert r.returncode == 3 and json.loads(r.stdout)["first_record"] == 0
    assert "double financing" in r.stderr
    r = score(*base, "--amount", "400000.01", "--lender", "bank-a", check=False)
    assert r.returncode == 3 and "exceed" in r.stderr
    assert json.loads(score(*base, "--amount", "400000", "--lender", "bank-a").stdout)["record"] == 1
