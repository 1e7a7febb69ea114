"""The Players page: what the story's real players did (started, finished, endings, where they stopped, which
choices they took) for a range of start dates, and the same tables as a CSV file. The figures are counted as
the players play (story_admin.analytics.counters), so a page adds up a few counters however many they are."""

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
from story_admin.analytics import analytics_csv, story_analytics
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


def _figures(request, story_id):
    """The story, the range form, and the figures (None when the range is refused)."""
    scenario = editable_story(request, story_id)
    form = RangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return scenario, form, None
    since, until = form.moments() if form.is_bound else (None, None)
    try:
        analytics = story_analytics(
            user=request.user, scenario=scenario, since=since, until=until, story=selectors.load_story(scenario)
        )
    except StoryError as error:
        form.add_error(None, error.message)
        return scenario, form, None
    return scenario, form, analytics


@author_required
def players(request, story_id):
    scenario, form, analytics = _figures(request, story_id)
    context = {"scenario": scenario, "form": form, "analytics": analytics, "query": request.GET.urlencode()}
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


@author_required
def players_csv(request, story_id):
    """The same tables as a CSV file; a refused range is said in plain text."""
    scenario, form, analytics = _figures(request, story_id)
    if analytics is None:
        message = " ".join(message for errors in form.errors.values() for message in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(analytics_csv(analytics), content_type="text/csv; charset=utf-8")
    name = slugify(scenario.title) or "story"
    response["Content-Disposition"] = f'attachment; filename="{name}-players.csv"'
    return response
