"""What authors learn from their players (issue #19): figures from aggregation pipelines over `player_progress`."""

from .export import analytics_csv
from .figures import (
    AnalyticsState,
    ChoiceFigure,
    DropOffFigure,
    EndingFigure,
    StoryAnalytics,
    drop_off_by_scene,
    ensure_can_see_analytics,
    story_analytics,
    story_analytics_or_job,
)

__all__ = [
    "AnalyticsState",
    "ChoiceFigure",
    "DropOffFigure",
    "EndingFigure",
    "StoryAnalytics",
    "analytics_csv",
    "drop_off_by_scene",
    "ensure_can_see_analytics",
    "story_analytics",
    "story_analytics_or_job",
]
