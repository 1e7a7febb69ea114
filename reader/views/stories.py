"""The library of published stories, and a story's own page (shared as a card through Open Graph)."""

from django.shortcuts import render

from story_admin import selectors

from ..place import Place


def library(request):
    search = request.GET.get("q", "").strip()[:200]
    language = request.GET.get("language", "").strip()[:12]
    tag = request.GET.get("tag", "").strip()[:50]
    found = selectors.published_library(search=search, language=language, tag=tag)
    return render(
        request,
        "reader/library.html",
        {
            "library": found,
            "search": search,
            "language": language,
            "tag": tag,
            "filtered": bool(search or language or tag),
        },
    )


def story(request, slug=None, token=None):
    place = Place.find(slug=slug, token=token)
    card = selectors.story_card(selectors.load_story(place.scenario))
    return render(
        request,
        "reader/story.html",
        {
            "place": place,
            "scenario": place.scenario,
            "card": card,
            "progress": place.progress(request),
            "urls": {name: place.url(name) for name in ("play", "start", "restart")},
        },
    )
