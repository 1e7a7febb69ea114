"""URL routes of the whole site."""

from django.contrib import admin
from django.urls import path

from graph_api.views import StoryGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql/", StoryGraphQLView.as_endpoint(), name="graphql"),
]
