"""The GraphQL API for players' and authors' apps."""

from django.apps import AppConfig


class GraphApiConfig(AppConfig):
    name = "graph_api"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    verbose_name = "GraphQL API"
