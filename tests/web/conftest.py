"""Page tests over TestClient reuse the API tests' app and builders."""

from tests.api.conftest import client, world  # noqa: F401  (fixtures, found by name)
