"""Where the tests find their material: the project's fixtures, and ../shared/ when it is beside the clone.

Test modules import these from here; conftest.py holds only pytest fixtures.
"""

from pathlib import Path

import pytest

from medkg.project_files import ROOT

SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"


def shared(relative_path: str) -> Path:
    """A path under ../shared/, or skip: that folder is for development and CI, not for users."""
    path = SHARED / relative_path
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared/ is only beside the project in development and CI")
    return path
