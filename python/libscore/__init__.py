"""libscore for Python: a ctypes wrapper around libscore.so.1.

Needs only the standard library and numpy. The shared library is found
through LIBSCORE_LIBRARY, then this checkout's build tree, then the system.
Every failed call raises ScoreError with the library's message.
"""
from ._native import ScoreError
from .panel import Panel, uscc_valid, version
from .synth import synth, synth_panel

__all__ = ["ScoreError", "Panel", "uscc_valid", "version", "synth", "synth_panel"]
