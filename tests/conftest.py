"""pytest set-up: hypothesis profiles, the --update-snapshots flag, and a user cache of
the session's own (precompiled preambles, figures), so that no test sees what earlier runs
left in ~/.cache and none leaves anything there."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=200)
settings.register_profile("fuzz", deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

os.environ.pop("XDG_CACHE_HOME", None)
os.environ["ANSWERKEY_CACHE"] = tempfile.mkdtemp(prefix="answerkey-test-cache-")
atexit.register(shutil.rmtree, os.environ["ANSWERKEY_CACHE"], ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite tests/snapshots/ from the current output")


@pytest.fixture
def update_snapshots(request) -> bool:
    return request.config.getoption("--update-snapshots")
