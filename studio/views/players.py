"""The Players page: what the story's real players did (started, finished, endings, where they stopped, which
choices they took) for a range of start dates, and the same tables as a CSV file. Kept figures, or figures
counted at once, or (a story with many players) a job's progress until its figures are there."""

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from story_admin import selectors
from story_admin.analytics import AnalyticsState, analytics_csv, story_analytics, story_analytics_or_job
from story_admin.exceptions import StoryError

from .access import author_required, editable_story

CHOICES_PER_PAGE = 50


class RangeForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("Players who started from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("to (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range must come after its start."))
        return cleaned

    def moments(self) -> tuple[datetime | None, datetime | None]:
        """The range as moments in UTC: from the start of `since` to the end of `until` (the next midnight)."""
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        return (
            datetime.combine(since, time(), UTC) if since else None,
            datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
        )


def reading_time(seconds: float | None) -> str:
    """45 s, 5 min, 5 min 20 s, 1 h 5 min."""
    if seconds is None:
        return ""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


def _figures(request, story_id, *, in_background: bool):
    """The story, the range form, and the figures (an AnalyticsState; None when the range is refused)."""
    scenario = editable_story(request, story_id)
    form = RangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return scenario, form, None
    since, until = form.moments() if form.is_bound else (None, None)
    figures = story_analytics_or_job if in_background else story_analytics
    try:
        answer = figures(
            user=request.user, scenario=scenario, since=since, until=until, story=selectors.load_story(scenario)
        )
    except StoryError as error:
        form.add_error(None, error.message)
        return scenario, form, None
    return scenario, form, answer if in_background else AnalyticsState(analytics=answer)


@author_required
def players(request, story_id):
    """The figures at once when kept or quick to count; for a story with many players, a job's progress."""
    scenario, form, state = _figures(request, story_id, in_background=True)
    analytics = state and state.analytics
    context = {"scenario": scenario, "form": form, "analytics": analytics, "query": request.GET.urlencode()}
    if state is not None and analytics is None:
        context.update(pending=True, done=state.done, total=state.total, failed=state.failed)
    if analytics is not None:
        context["kept_for"] = reading_time(settings.ANALYTICS_CACHE_SECONDS or None)
        choices = Paginator(analytics.choices, CHOICES_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            choices=choices, range_query=query.urlencode(), median_time=reading_time(analytics.median_seconds_to_ending)
        )
    status = 400 if form.errors else 200
    return render(request, "studio/players.html", context, status=status)


def _plain(text: str, *, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@author_required
def players_csv(request, story_id):
    """The tables as CSV: kept or quick figures at once; for a story with many players not counted yet, the same
    job as the page's, and a 202 saying the figures are being counted (never counted inside the request)."""
    scenario, form, state = _figures(request, story_id, in_background=True)
    if state is None:
        return _plain(" ".join(message for errors in form.errors.values() for message in errors), status=400)
    if state.failed:
        return _plain(state.failed, status=503)
    if state.analytics is None:
        if state.total:
            counted = _("The players are being counted (%(done)s of %(total)s).") % {
                "done": state.done,
                "total": state.total,
            }
        else:
            counted = _("The players are being counted.")
        again = _("Download the CSV file again in a moment.")
        response = _plain(f"{counted} {again}", status=202)
        response["Retry-After"] = "5"
        return response
    response = HttpResponse(analytics_csv(state.analytics), content_type="text/csv; charset=utf-8")
    name = slugify(scenario.title) or "story"
    response["Content-Disposition"] = f'attachment; filename="{name}-players.csv"'
    return response
