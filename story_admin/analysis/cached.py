"""The analysis of a stored story, kept in Redis under its content's fingerprint (any edit that matters gives a
new key, so an edited story is analysed again); a large story is analysed by a job on the `default` queue."""

import json
import logging
from dataclasses import dataclass

import django_rq
from django.conf import settings

from .. import selectors
from ..models import Scenario
from .document import analysis_document
from .listing import fingerprint
from .report import analyse

logger = logging.getLogger(__name__)
KEEP_SECONDS = 7 * 24 * 3600


@dataclass
class AnalysisState:
    document: dict | None  # None while a job works on it
    states_so_far: int = 0
    failed: str = ""

    @property
    def ready(self) -> bool:
        return self.document is not None


def _key(scenario_id, story) -> str:
    return f"story-analysis:{scenario_id}:{fingerprint(story)}"


def story_analysis(scenario: Scenario, *, in_background: bool | None = None, story=None) -> AnalysisState:
    """The cached analysis, computed now for a small story (or when `in_background` is False), else queued."""
    story = story or selectors.load_story(scenario)
    key = _key(scenario.pk, story)
    connection = django_rq.get_connection("default")
    stored = connection.get(key)
    if stored:
        return AnalysisState(document=json.loads(stored))
    if in_background is None:
        in_background = len(story.scenes) > settings.ANALYSIS_JOB_SCENES
    if not in_background:
        document = analysis_document(analyse(story))
        connection.set(key, json.dumps(document), ex=KEEP_SECONDS)
        return AnalysisState(document=document)
    failed = connection.get(f"{key}:failed")
    if failed:
        return AnalysisState(document=None, failed=failed.decode())
    if connection.set(f"{key}:queued", 1, nx=True, ex=3600):
        django_rq.get_queue("default").enqueue(run_analysis, str(scenario.pk), key, job_timeout=600)
    return AnalysisState(document=None, states_so_far=int(connection.get(f"{key}:progress") or 0))


def run_analysis(scenario_id: str, key: str) -> None:
    """The job: analyse the story as it is now and store it under the key it was queued for."""
    connection = django_rq.get_connection("default")
    scenario = Scenario.objects.filter(pk=selectors.parse_object_id(scenario_id, what="story")).first()
    if scenario is None:
        connection.delete(f"{key}:queued")
        return
    story = selectors.load_story(scenario)
    try:
        analysis = analyse(story, progress=lambda count: connection.set(f"{key}:progress", count, ex=3600))
    except Exception as error:
        logger.exception("The analysis of story %s failed", scenario_id)
        connection.set(f"{key}:failed", f"The analysis failed: {error}", ex=3600)
        raise
    connection.set(_key(scenario.pk, story), json.dumps(analysis_document(analysis)), ex=KEEP_SECONDS)
    connection.delete(f"{key}:queued", f"{key}:progress")
