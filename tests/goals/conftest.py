# The small project the report tests measure: the goal pages are read on it too.
from tests.reporting.conftest import small_project  # noqa: F401
