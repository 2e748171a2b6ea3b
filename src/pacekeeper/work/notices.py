"""What the work app announces, registered at start-up by the notifications app (which loads
every app's `notices` module). Each part keeps its kinds in its own module."""

# --- discussion: @mentions in comments ----------------------------------------------------------
from . import discussion_notices  # noqa: F401
