"""`storyAnalytics`: what real players of a story did (preview plays and the author's own left out), for the
story's author (and superusers); anyone else is told the story does not exist, like `storyAnalysis`."""

from datetime import UTC

import graphene
from django.utils import timezone

from story_admin.analytics import analytics_csv, story_analytics

from .auth import current_user
from .loaders import story_of
from .queries import domain_errors, readable_scenario
from .types import ChoiceType, SceneType


class EndingFiguresType(graphene.ObjectType):
    scene = graphene.Field(SceneType)
    count = graphene.Int(description="Players who finished at this ending.")
    share = graphene.Float(description="Of the players who finished, 0-1; null when none did.")


class DropOffType(graphene.ObjectType):
    scene = graphene.Field(SceneType)
    count = graphene.Int(description="Players whose last scene it is: not finished, no move for dropOffDays days.")
    share = graphene.Float(description="Of the players who started, 0-1.")


class ChoiceFiguresType(graphene.ObjectType):
    choice = graphene.Field(ChoiceType)
    shown = graphene.Int(description="Players who reached the choice's scene.")
    taken = graphene.Int(description="Players who took the choice.")
    share = graphene.Float(description="taken / shown, 0-1; null when no player reached the scene.")


class StoryAnalyticsType(graphene.ObjectType):
    """Resolved from story_admin.analytics.StoryAnalytics, whose attributes bear these names."""

    started = graphene.Int(description="Players who started in the range.")
    finished = graphene.Int(description="Of them, those who stand at an ending.")
    completion_rate = graphene.Float(description="finished / started, 0-1; null without players.")
    median_seconds_to_ending = graphene.Float(description="Median reading time of the players who finished.")
    median_scenes_visited = graphene.Float(description="Median number of distinct scenes a player saw.")
    drop_off_days = graphene.Int(description="Days without a move after which a player counts as stopped.")
    endings = graphene.List(EndingFiguresType, description="Every ending, the most reached first.")
    drop_off = graphene.List(DropOffType, description="Scenes where players stopped, the most first.")
    choices = graphene.List(ChoiceFiguresType, description="Every choice, in reading order.")
    csv = graphene.String(description="The same tables as one CSV file.")
    computed_at = graphene.DateTime(description="When the figures were counted (kept ANALYTICS_CACHE_SECONDS).")

    @staticmethod
    def resolve_csv(analytics, info):
        return analytics_csv(analytics)


def _aware(moment):
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, UTC)
    return moment


class AnalyticsQuery(graphene.ObjectType):
    story_analytics = graphene.Field(
        StoryAnalyticsType,
        scenario_id=graphene.ID(required=True),
        since=graphene.DateTime(description="Players who started at or after this moment (UTC when no offset)."),
        until=graphene.DateTime(description="Players who started before this moment."),
        description="What the story's real players did: completion, endings, where they stopped, which choices "
        "they took (the story's author only). Kept ANALYTICS_CACHE_SECONDS seconds; counted at once when not kept.",
    )

    @staticmethod
    @domain_errors
    def resolve_story_analytics(root, info, scenario_id, since=None, until=None):
        scenario = readable_scenario(info, scenario_id)
        return story_analytics(
            user=current_user(info),
            scenario=scenario,
            since=_aware(since),
            until=_aware(until),
            story=story_of(info, scenario),
        )
