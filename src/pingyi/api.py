"""The REST API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

from pingyi import __version__
from pingyi.appraisal.api import router as appraisal_router

api = NinjaAPI(
    title="pingyi API",
    version=__version__,
    description="Appraisal events, ballot cards, ballots and results. See DESIGN.md, Contracts.",
    urls_namespace="api",
)
api.add_router("/", appraisal_router)
