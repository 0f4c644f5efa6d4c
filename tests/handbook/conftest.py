from tests.accounts.factories import (  # noqa: F401 - fixtures
    cast,
    make_unit,
    make_user,
    two_units,
)
