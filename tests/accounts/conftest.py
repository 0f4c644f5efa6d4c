from tests.accounts.factories import (  # noqa: F401 - fixtures
    _fast_password_hashing,
    cast,
    make_unit,
    make_user,
    two_units,
)
