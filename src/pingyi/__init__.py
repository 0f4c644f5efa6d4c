"""pingyi (评议). Its version is the installed distribution's (pyproject.toml's ``version``,
read through importlib.metadata): one place for ``pingyi --version``, the API's schema and
the backup's manifest."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pingyi")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
