"""Build step of the libscore package: compile libscore.so from the
checkout this directory belongs to (CMake) and ship it inside the package,
so that `import libscore` finds it with no environment variable.

Out of a checkout (no ../CMakeLists.txt) nothing is compiled: the wrapper
then uses an installed libscore.so.1.
"""
import os
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def build_library():
    """The path of a freshly built libscore.so, or None out of a checkout."""
    if not (os.path.exists(os.path.join(ROOT, "CMakeLists.txt"))
            and os.path.exists(os.path.join(ROOT, "include", "score.h"))):
        print("libscore: no source checkout around python/; using an installed libscore.so.1",
              file=sys.stderr)
        return None
    if shutil.which("cmake") is None:
        raise SystemExit("libscore: building the package needs cmake (apt-get install cmake), "
                         "see scripts/install-deps.sh")
    build = os.path.join(ROOT, "build-python")
    subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                           "-DSCORE_TESTS=OFF", "-DSCORE_BENCH=OFF"],
                          stdout=subprocess.DEVNULL)
    jobs = str(max(1, min(4, os.cpu_count() or 1)))
    subprocess.check_call(["cmake", "--build", build, "--target", "score", "-j", jobs])
    return os.path.realpath(os.path.join(build, "libscore.so"))


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        library = build_library()
        if library is not None:
            target = os.path.join(self.build_lib, "libscore", "libscore.so")
            shutil.copyfile(library, target)
            os.chmod(target, 0o755)


class PlatformDistribution(Distribution):
    """The package holds a native library: its wheel is platform-specific."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=PlatformDistribution)
