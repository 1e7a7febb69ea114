"""Where a reader plays: a published story by its address, or any story through a preview link."""

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from story_admin import selectors
from story_admin.services.progress import start_guest_progress, start_progress
from story_admin.exceptions import NotFound
from story_admin.models import PlayerProgress, PreviewLink, Scenario

from . import guests


@dataclass(frozen=True)
class Place:
    scenario: Scenario
    preview: PreviewLink | None = None

    @classmethod
    def find(cls, *, slug: str | None = None, token: str | None = None) -> "Place":
        """The story at this address; a draft, a wrong address and a revoked link are all a 404."""
        try:
            if token is not None:
                link = selectors.get_preview_link(token)
                return cls(scenario=link.scenario, preview=link)
            return cls(scenario=selectors.get_published_story(slug))
        except NotFound:
            raise Http404("No such story.") from None

    def url(self, name: str) -> str:
        if self.preview is not None:
            return reverse(f"reader:preview_{name}", kwargs={"token": self.preview.token})
        return reverse(f"reader:{name}", kwargs={"slug": self.scenario.slug})

    def progress(self, request) -> PlayerProgress | None:
        """The reader's progress here: their own when signed in, else the one their session holds."""
        if request.user.is_authenticated:
            return selectors.progress_in(request.user, self.scenario)
        return guests.guest_progress(request, self.scenario)

    def start(self, request, *, restart: bool = False) -> PlayerProgress:
        if request.user.is_authenticated:
            return start_progress(player=request.user, scenario=self.scenario, restart=restart, preview=self.preview)
        progress = guests.guest_progress(request, self.scenario)
        if progress is None or restart:
            progress = start_guest_progress(scenario=self.scenario, preview=self.preview, previous=progress)
            guests.keep(request, progress)
        return progress

    def kept(self, request, progress: PlayerProgress) -> PlayerProgress:
        """After a step: a guest's progress goes back into their session (a player's is already saved)."""
        if progress.pk is None:
            guests.keep(request, progress)
        return progress
