import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

# scripts/test.sh preloads the sanitizer runtimes into this interpreter to
# run the tests against the ASan library; the programs the tests start
# (chromium, the CLI) must not inherit them
# (kept aside: tests that start Python worker processes loading the library
# need to know the library is instrumented)
_preload = os.environ.pop("LD_PRELOAD", None)
if _preload and "asan" in _preload:
    os.environ["SCORE_TEST_UNDER_ASAN"] = "1"
