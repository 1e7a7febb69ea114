"""What authors learn from their players (issue #19): figures counted per story and start day as they play
(counters.py), the parts of a day from aggregation pipelines over `player_progress` (pipelines.py)."""

from .export import analytics_csv
from .figures import (
    ChoiceFigure,
    DropOffFigure,
    EndingFigure,
    StoryAnalytics,
    drop_off_by_scene,
    ensure_can_see_analytics,
    story_analytics,
)

__all__ = [
    "ChoiceFigure",
    "DropOffFigure",
    "EndingFigure",
    "StoryAnalytics",
    "analytics_csv",
    "drop_off_by_scene",
    "ensure_can_see_analytics",
    "story_analytics",
]
