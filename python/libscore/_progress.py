"""Progress bars with tqdm when it is installed (an optional dependency)."""
import ctypes
from typing import Any, Callable, Optional

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p,
                               ctypes.c_uint64, ctypes.c_uint64)


class Callback:
    """A C progress callback from `progress`: True (a tqdm bar when tqdm is
    installed, else nothing), False/None (nothing) or a callable
    progress(stage, done, total) that may return False to stop the call.
    An exception raised by the callable stops the call and is raised again
    by `reraise()` once the C call has returned."""

    def __init__(self, progress: Any) -> None:
        self.error: Optional[BaseException] = None
        self._bar: Any = None
        self._fn: Optional[Callable[[str, int, int], Any]] = None
        if progress is True:
            try:
                import tqdm  # optional
                self._tqdm = tqdm.tqdm
            except ImportError:
                self._tqdm = None
            if self._tqdm is not None:
                self._fn = self._bar_update
        elif callable(progress):
            self._fn = progress
        elif progress not in (None, False):
            raise TypeError("progress must be True, False, None or a callable")
        self.c = PROGRESS_FN(self._call) if self._fn is not None else None

    def _bar_update(self, stage: str, done: int, total: int) -> None:
        if self._bar is None or self._bar.desc != stage:
            if self._bar is not None:
                self._bar.close()
            self._bar = self._tqdm(total=total or None, desc=stage, leave=False)
        self._bar.n = done
        self._bar.refresh()

    def _call(self, user: Any, stage: bytes, done: int, total: int) -> int:
        try:
            return 1 if self._fn(stage.decode("utf-8", "replace"), done, total) is False else 0
        except BaseException as err:  # raised again after the C call
            self.error = err
            return 1

    @property
    def pointer(self) -> Optional[ctypes.c_void_p]:
        return None if self.c is None else ctypes.cast(self.c, ctypes.c_void_p)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def reraise(self) -> None:
        self.close()
        if self.error is not None:
            raise self.error
