"""Stories in and out of Story Studio: Twine files and backups."""

import base64

import graphene

from story_admin.models import Scenario
from story_admin.services.interchange import export_story_file, import_story_file

from ..auth import require_user
from ..ids import load
from ..scalars import Upload
from ..types import ScenarioType
from .base import ServiceMutation


class ImportStory(ServiceMutation):
    """Import a backup (.zip), a Twee 3 file or a Twine 2 HTML file or archive (multipart request)."""

    class Arguments:
        file = Upload(required=True)
        restore = graphene.Boolean(default_value=False, description="Restore a deleted story with its original ids.")

    scenarios = graphene.List(ScenarioType)
    special_passages = graphene.List(graphene.String, description="Passages kept aside, not turned into scenes.")
    warnings = graphene.List(graphene.String)

    @classmethod
    def perform(cls, root, info, file, restore=False):
        reports = import_story_file(
            author=require_user(info), filename=getattr(file, "name", ""), data=file.read(), restore=restore
        )
        return cls(
            success=True,
            message=" ".join(report.summary for report in reports),
            scenarios=[report.scenario for report in reports],
            special_passages=[name for report in reports for name in report.special_passages],
            warnings=[warning for report in reports for warning in report.warnings],
        )


class ExportStory(ServiceMutation):
    """A story as a file: `format` is twee (Twee 3), html (a Twine 2 archive) or backup (zip, base64)."""

    class Arguments:
        scenario_id = graphene.ID(required=True)
        format = graphene.String(default_value="twee")

    filename = graphene.String()
    content_type = graphene.String()
    content = graphene.String(description="The file: text for twee and html, base64 for backup.")
    encoding = graphene.String(description="utf-8 or base64.")

    @classmethod
    def perform(cls, root, info, scenario_id, format="twee"):
        exported = export_story_file(
            editor=require_user(info), scenario=load(Scenario, scenario_id, "story"), format=format
        )
        binary = format == "backup"
        return cls(
            success=True,
            message=f"Exported as {exported.filename}.",
            filename=exported.filename,
            content_type=exported.content_type,
            encoding="base64" if binary else "utf-8",
            content=base64.b64encode(exported.content).decode() if binary else exported.content.decode(),
        )
