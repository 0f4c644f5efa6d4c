"""Appraisal test set-up.

The refusal messages of the pure modules are English msgids translated by Django; the
tests of those modules read them in English (the zh-hans wording is checked by the
catalogue test), whatever the site's default language is.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

ENGLISH_MODULES = {"test_spec", "test_ballots", "test_tally", "test_bundle", "test_diagnostics"}


@pytest.fixture(autouse=True)
def _english_messages(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.module.__name__.rsplit(".", 1)[-1] in ENGLISH_MODULES:
        with translation.override("en"):
            yield
    else:
        yield
