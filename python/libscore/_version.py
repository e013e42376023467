"""The wrapper's version: the library it was made with (checked at import)."""
__version__ = "1.1.0"
