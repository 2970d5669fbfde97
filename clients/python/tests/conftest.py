import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import fillbook  # noqa: E402


@pytest.fixture(scope="session")
def live() -> fillbook.Client:
    """A client of the running Fillbook named by FILLBOOK_URL and FILLBOOK_KEY (npm test starts one)."""
    if not os.environ.get("FILLBOOK_URL") or not os.environ.get("FILLBOOK_KEY"):
        pytest.skip("FILLBOOK_URL and FILLBOOK_KEY name no running Fillbook (test/clients/python-client.test.ts starts one)")
    return fillbook.Client(retry_delay_base_s=0.01)
