"""The year targets' rules (全年红), pure: no Django import (the ``pure`` import-linter contract).

``progress.py``: 序时进度, the statuses, a unit's share on schedule and 全年红;
``sheet.py``: the office's target sheet, read into rows with row-numbered problems.
"""
