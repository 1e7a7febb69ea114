"""URL routes of the whole site."""

from django.contrib import admin
from django.urls import include, path

from generation.media_view import serve_media
from graph_api.views import StoryGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql/", StoryGraphQLView.as_endpoint(), name="graphql"),
    path("media/<path:name>", serve_media, name="media"),
    path("read/", include("reader.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("studio.studio_urls")),
]
