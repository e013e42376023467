"""Loading libscore.so and declaring its functions for ctypes.

The library is looked for, in order: the path in the LIBSCORE_LIBRARY
environment variable; the build trees of this source checkout (build/,
build-asan/); the system (libscore.so.1 through the dynamic loader). When
none works, the error lists every place tried.
"""
import ctypes
import os

__all__ = ["lib", "ScoreError", "Handle", "declare", "check"]

SCORE_OK = 0


class ScoreError(Exception):
    """A libscore call failed. `code` is the SCORE_E* status, and the message
    is the library's own (score_last_error), naming where and what."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _candidates():
    env = os.environ.get("LIBSCORE_LIBRARY")
    if env:
        yield env
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for build in ("build", "build-asan"):
        yield os.path.join(root, build, "libscore.so")
    yield "libscore.so.1"


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} (no such file)")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as err:
            tried.append(f"{path} ({err})")
    raise ImportError("libscore.so not found; tried: " + "; ".join(tried) +
                      ". Set LIBSCORE_LIBRARY to the library's path.")


lib = _load()

lib.score_last_error.argtypes = []
lib.score_last_error.restype = ctypes.c_char_p
lib.score_strerror.argtypes = [ctypes.c_int]
lib.score_strerror.restype = ctypes.c_char_p


def _raise_on_error(result, func, args):
    if result != SCORE_OK:
        message = lib.score_last_error().decode("utf-8", "replace")
        if not message:
            message = lib.score_strerror(result).decode()
        raise ScoreError(result, f"{func.__name__}: {message}")
    return result


def declare(name, restype, argtypes, status=None):
    """Declare one library function. Functions returning a status (an int,
    unless status=False says the int is a value) raise ScoreError on failure."""
    func = getattr(lib, name)
    func.argtypes = argtypes
    func.restype = restype
    if status is None:
        status = restype is ctypes.c_int
    if status:
        func.errcheck = _raise_on_error
    return func


def check(code, what=""):
    """Raise ScoreError for a nonzero status of a call made without errcheck."""
    if code != SCORE_OK:
        raise ScoreError(code, what + lib.score_last_error().decode("utf-8", "replace"))


class Handle:
    """An object the library allocated: close() frees it (with the class's
    `_free_fn`), and it can be used in a `with` block. Subclasses set
    `_free_fn` and `_what` (the name in the "is closed" error)."""
    _free_fn = None
    _what = "object"

    def __init__(self, handle=None):
        self._handle = handle

    @property
    def handle(self):
        if not getattr(self, "_handle", None):
            raise ValueError(f"the {self._what} is closed")
        return self._handle

    def close(self):
        if getattr(self, "_handle", None):
            type(self)._free_fn(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
