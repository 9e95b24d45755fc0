"""The suite's shared fixtures come from the test toolkit (servicelane/testing): people,
clients, the clock, the network's reference data; see servicelane/testing/plugin.py."""

import pytest

# The toolkit's helpers assert too; their failures read like the tests' own.
pytest.register_assert_rewrite("servicelane.testing")

pytest_plugins = [
    "servicelane.testing.plugin",
    "servicelane.testing.personas",
    "servicelane.testing.clients",
    "servicelane.testing.clock",
    "servicelane.testing.catalogue",
    "servicelane.testing.centres",
    "servicelane.testing.floor",
    "servicelane.testing.world",
]
