"""`manage.py export_schema`: write the live GraphQL schema to schema.graphql (SDL)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from graphql import print_schema

from graph_api.schema import schema


class Command(BaseCommand):
    help = "Write the GraphQL schema as SDL, for clients and code generators."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "schema.graphql"))

    def handle(self, *args, out, **options):
        Path(out).write_text(print_schema(schema.graphql_schema) + "\n")
        self.stdout.write(f"Schema written to {out}")
