from __future__ import annotations

from collections.abc import Iterator

import pytest

from sabueso.capture.browser import find_chromium
from sabueso.capture.guard import AddressPolicy
from sabueso.capture.localsite import LocalSite

from .site import make_site

# The test site listens on 127.0.0.1: the policy treats exactly that address as allowed (an
# explicit allow-list, as ``--allow-address 127.0.0.1/32`` does); every other loopback address
# (127.0.0.2, ::1) stays refused, which is what the redirect tests use.
SITE_POLICY = AddressPolicy.build(allowed=["127.0.0.1/32"])

needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium not installed (/usr/bin/chromium): browser capture tests need it; CI "
           "installs it")


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with make_site() as running:
        yield running
