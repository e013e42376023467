"""Loading libscore.so and declaring its functions for ctypes; the lifetime
of the objects the library allocates.

The library is looked for, in order: the path in the LIBSCORE_LIBRARY
environment variable; the copy shipped inside this package (pip install);
the library `cmake --install` put beside this package (_libpath.py); the
build trees of this source checkout (build/, build-asan/); the system
(libscore.so.1 through the dynamic loader). When none works, the error lists
every place tried. The library's version is checked against the wrapper's.

Lifetime (every Handle subclass): a call holds the object for its duration;
close() marks it closed at once (any later use raises ClosedError) and the
native object is freed when the last call in flight on it has returned and
the last object depending on it (a Monitor or Report on a Model) is gone.
So close() never waits, never fails, and never frees memory in use.
"""
import contextlib
import ctypes
import os
import threading
from typing import Any, Callable, Iterator, Optional, Sequence

from ._version import __version__

__all__ = ["lib", "ScoreError", "ClosedError", "Handle", "declare", "check", "using"]

SCORE_OK = 0
_HERE = os.path.dirname(os.path.abspath(__file__))


class ScoreError(Exception):
    """A libscore call failed. `code` is the SCORE_E* status, and the message
    is the library's own (score_last_error), naming where and what."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class ClosedError(ValueError):
    """An object was used after close()."""


def _candidates() -> Iterator[str]:
    env = os.environ.get("LIBSCORE_LIBRARY")
    if env:
        yield env
    yield os.path.join(_HERE, "libscore.so")
    try:
        from ._libpath import LIBRARY  # written by `cmake --install`
        yield os.path.normpath(os.path.join(_HERE, LIBRARY))
    except ImportError:
        pass
    root = os.path.dirname(os.path.dirname(_HERE))
    if os.path.exists(os.path.join(root, "include", "score.h")):
        for build in ("build", "build-asan"):
            yield os.path.join(root, build, "libscore.so")
    yield "libscore.so.1"


def _load() -> ctypes.CDLL:
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
                      ". Install the package (pip install ./python) or set LIBSCORE_LIBRARY "
                      "to the library's path.")


def check_version(library: str, wrapper: str) -> None:
    """Refuse a library of another major version, or older than the wrapper
    (a function the wrapper declares could be missing)."""
    try:
        lib_v = tuple(int(p) for p in library.split(".")[:3])
        own_v = tuple(int(p) for p in wrapper.split(".")[:3])
    except ValueError:
        raise ImportError(f"libscore: cannot read the library version {library!r}") from None
    if lib_v[0] != own_v[0] or lib_v[:2] < own_v[:2]:
        raise ImportError(f"libscore: the library is version {library} but this wrapper "
                          f"({wrapper}) needs {own_v[0]}.{own_v[1]} or a later {own_v[0]}.x")


lib = _load()

lib.score_last_error.argtypes = []
lib.score_last_error.restype = ctypes.c_char_p
lib.score_strerror.argtypes = [ctypes.c_int]
lib.score_strerror.restype = ctypes.c_char_p
lib.score_version_string.argtypes = []
lib.score_version_string.restype = ctypes.c_char_p
LIBRARY_PATH = getattr(lib, "_name", "")
LIBRARY_VERSION = lib.score_version_string().decode()
check_version(LIBRARY_VERSION, __version__)


def _raise_on_error(result: int, func: Any, args: Any) -> int:
    if result != SCORE_OK:
        message = lib.score_last_error().decode("utf-8", "replace")
        if not message:
            message = lib.score_strerror(result).decode()
        raise ScoreError(result, f"{func.__name__}: {message}")
    return result


def declare(name: str, restype: Any, argtypes: Sequence[Any],
            status: Optional[bool] = None) -> Callable[..., Any]:
    """Declare one library function. Functions returning a status (an int,
    unless status=False says the int is a value) raise ScoreError on failure."""
    func = getattr(lib, name)
    func.argtypes = list(argtypes)
    func.restype = restype
    if status is None:
        status = restype is ctypes.c_int
    if status:
        func.errcheck = _raise_on_error
    return func


def check(code: int, what: str = "") -> None:
    """Raise ScoreError for a nonzero status of a call made without errcheck."""
    if code != SCORE_OK:
        raise ScoreError(code, what + lib.score_last_error().decode("utf-8", "replace"))


class _Access:
    """Readers share, a writer has the object to itself (the header's rule
    for objects without a lock). A thread that writes and re-enters gets an
    error instead of a deadlock."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: Optional[int] = None

    def acquire(self, write: bool) -> None:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                raise RuntimeError("libscore: an object was used again from within a call "
                                   "that changes it (e.g. from its own callback)")
            if write:
                while self._writer is not None or self._readers:
                    self._cond.wait()
                self._writer = me
            else:
                while self._writer is not None:
                    self._cond.wait()
                self._readers += 1

    def release(self, write: bool) -> None:
        with self._cond:
            if write:
                self._writer = None
            else:
                self._readers -= 1
            self._cond.notify_all()


class Handle:
    """An object the library allocated, used from Python safely.

    Subclasses set `_free_fn` and `_what` (the name in errors), and
    `_locking` to say how the library allows concurrent calls: "shared"
    (immutable or locking itself: any number of calls at once), "rw"
    (reads share, changes are exclusive: a panel) or "exclusive" (one call at
    a time: a monitor). Calls go through `with self._use() as handle:`.
    Objects the native object borrows are given as `depends`: they are kept
    alive, and not freed by their own close(), until this one is freed."""
    _free_fn: Any = None
    _what = "object"
    _locking = "shared"

    def __init__(self, handle: Any = None, depends: Sequence["Handle"] = ()) -> None:
        self._handle = None
        self._state = threading.Lock()
        self._calls = 0
        self._dependants = 0
        self._closing = False
        self._access = _Access() if self._locking != "shared" else None
        held = []
        try:
            for d in depends:
                d._hold()
                held.append(d)
        except BaseException:
            for d in held:
                d._release()
            if handle:
                type(self)._free_fn(handle)
            raise
        self._depends = tuple(held)
        self._handle = handle

    @property
    def closed(self) -> bool:
        """Whether close() was called (or the object never opened)."""
        return getattr(self, "_closing", True) or not getattr(self, "_handle", None)

    @property
    def handle(self) -> Any:
        """The native pointer, for a call made at once; prefer `_use()`."""
        if self.closed:
            raise ClosedError(f"the {self._what} is closed")
        return self._handle

    def _use(self, write: bool = False) -> "_Use":
        """The native handle, held open for the duration of a `with` block."""
        if not hasattr(self, "_state"):
            raise ClosedError(f"the {self._what} was never opened")
        return _Use(self, write)

    def _leave(self) -> None:
        with self._state:
            self._calls -= 1
            free = self._closing and not self._calls and not self._dependants
        if free:
            self._free()

    def _hold(self) -> None:
        with self._state:
            if self._closing or not self._handle:
                raise ClosedError(f"the {self._what} is closed")
            self._dependants += 1

    def _release(self) -> None:
        with self._state:
            self._dependants -= 1
            free = self._closing and not self._calls and not self._dependants
        if free:
            self._free()

    def _free(self) -> None:
        with self._state:
            handle, self._handle = self._handle, None
            depends, self._depends = self._depends, ()
        if handle:
            type(self)._free_fn(handle)
        for d in depends:
            d._release()

    def close(self) -> None:
        """Close: any later use raises ClosedError. The native object is freed
        now, or when the last call in flight on another thread returns and
        the last object depending on this one is freed."""
        state = getattr(self, "_state", None)
        if state is None:
            return
        with state:
            if self._closing:
                return
            self._closing = True
            free = not self._calls and not self._dependants
        if free:
            self._free()

    def __enter__(self) -> "Handle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: module globals may be gone
            pass

    def __repr__(self) -> str:
        if self.closed:
            return f"<libscore.{type(self).__name__} closed>"
        return f"<libscore.{type(self).__name__} {self._describe()}>"

    def _describe(self) -> str:
        handle = self._handle
        return f"at 0x{(handle.value if isinstance(handle, ctypes.c_void_p) else handle) or 0:x}"


class _Use:
    """One call's hold on a Handle (a class, not a generator: it is on the
    path of every call)."""
    __slots__ = ("obj", "exclusive")

    def __init__(self, obj: Handle, write: bool) -> None:
        self.obj = obj
        self.exclusive = write or obj._locking == "exclusive"

    def __enter__(self) -> Any:
        obj = self.obj
        with obj._state:
            if obj._closing or not obj._handle:
                raise ClosedError(f"the {obj._what} is closed")
            obj._calls += 1
        if obj._access is not None:
            try:
                obj._access.acquire(self.exclusive)
            except BaseException:
                obj._leave()
                raise
        return obj._handle

    def __exit__(self, *exc: Any) -> None:
        obj = self.obj
        try:
            if obj._access is not None:
                obj._access.release(self.exclusive)
        finally:
            obj._leave()


@contextlib.contextmanager
def using(*objects: Optional[Handle], write: Sequence[Handle] = ()) -> Iterator[list]:
    """The handles of several objects (None stays None), each held open for
    the block; those in `write` are held for a change."""
    with contextlib.ExitStack() as stack:
        out = []
        for obj in objects:
            if obj is None:
                out.append(None)
            else:
                if not isinstance(obj, Handle):
                    raise TypeError(f"expected a libscore object, got {type(obj).__name__}")
                out.append(stack.enter_context(obj._use(write=any(obj is w for w in write))))
        yield out
