"""URL routes of the whole site."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from generation.media_view import serve_media
from graph_api.views import StoryGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql/", StoryGraphQLView.as_endpoint(), name="graphql"),
    path("media/<path:name>", serve_media, name="media"),
    path("read/", include("reader.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The studio scripts' strings (studio/locale/*/LC_MESSAGES/djangojs.po) as gettext()/ngettext(), in the
    # interface language: a script of our origin, as the Content-Security-Policy wants.
    path("i18n/studio.js", JavaScriptCatalog.as_view(packages=["studio"]), name="studio_javascript_catalog"),
    path("", include("studio.studio_urls")),
]
