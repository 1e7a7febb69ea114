"""The analysis of a stored story, kept in Redis under its content's fingerprint (any edit that matters gives a
new key, so an edited story is analysed again); a large story is analysed by a job on the `default` queue
(story_admin.background)."""

from dataclasses import dataclass

from django.conf import settings

from .. import selectors
from ..background import JobReport, kept
from ..models import Scenario
from .document import analysis_document
from .listing import fingerprint
from .report import analyse

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
    if in_background is None:
        in_background = len(story.scenes) > settings.ANALYSIS_JOB_SCENES
    result = kept(
        _key(scenario.pk, story),
        compute=lambda: analysis_document(analyse(story)),
        in_background=in_background,
        job=run_analysis,
        job_args=(str(scenario.pk),),
        keep_seconds=KEEP_SECONDS,
    )
    return AnalysisState(document=result.value, states_so_far=result.done, failed=result.failed)


def run_analysis(scenario_id: str, key: str) -> None:
    """The job: analyse the story as it is now and store it under the key it was queued for."""
    report = JobReport(key)
    scenario = Scenario.objects.filter(pk=selectors.parse_object_id(scenario_id, what="story")).first()
    if scenario is None:
        report.abandoned()
        return
    story = selectors.load_story(scenario)
    try:
        analysis = analyse(story, progress=report.progress)
    except Exception as error:
        report.failed(f"The analysis failed: {error}")
        raise
    report.finished(analysis_document(analysis), keep_seconds=KEEP_SECONDS, key=_key(scenario.pk, story))
