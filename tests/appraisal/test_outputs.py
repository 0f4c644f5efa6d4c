"""Outputs: printable ballot cards, the results workbook, the PDF report, their command-line
verbs and the office download pages — all on the real database, PDFs rendered by poppler and
QR codes decoded from the rendered pixels."""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import include, path

import pingyi.urls
from pingyi.appraisal import printing, services
from pingyi.appraisal.cards import card_for_secret if False else None  # noqa: F401 (placeholder)
