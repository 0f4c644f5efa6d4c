"""``core.errors.SheetRefused``: the targets' and the pipeline's ``ImportRefused`` share it —
the refusal carries every problem, is a 422 ``import_refused``, and stays its app's refusal
(caught as ``TargetsError`` / ``PipelineError`` and as ``Refusal`` by the pages and API)."""

from __future__ import annotations

import pytest

from pingyi.core.errors import Refusal, SheetRefused
from pingyi.pipeline import errors as pipeline_errors
from pingyi.targets import errors as targets_errors


@pytest.mark.parametrize(
    ("refused", "app_error"),
    [
        (targets_errors.ImportRefused, targets_errors.TargetsError),
        (pipeline_errors.ImportRefused, pipeline_errors.PipelineError),
    ],
)
def test_an_import_refusal_is_its_apps_and_carries_every_problem(refused, app_error) -> None:
    problems = ["row 3, cell B3: the unit is empty", "row 4, cell D4: the annual target is empty"]
    with pytest.raises(app_error) as caught:
        raise refused(problems)
    exc = caught.value
    assert isinstance(exc, SheetRefused) and isinstance(exc, Refusal)
    assert (exc.status, exc.code) == (422, "import_refused")
    assert exc.errors == problems and exc.message == "; ".join(problems)
    assert refused([]).message == "nothing imported" and refused([]).errors == []
