from django.apps import AppConfig


class ReaderConfig(AppConfig):
    """The players' reading site: published stories played with plain forms, htmx on top."""

    name = "reader"
    verbose_name = "Reader"
