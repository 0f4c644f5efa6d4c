"""The project pipeline's rules (三个一批), pure: no Django import (the ``pure`` contract).

``funnel.py``: stages, lagging, the per unit and batch counts, investment and rates;
``sheet.py``: the office's project sheet, read into rows with row-numbered problems.
"""
