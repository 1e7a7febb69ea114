"""Stories in and out of Story Studio: Twine files."""

import graphene
from graphene_file_upload.scalars import Upload

from story_admin.models import Scenario
from story_admin.services.twine import export_story, import_twine_file

from ..auth import require_user
from ..types import ScenarioType
from .base import ServiceMutation
from .stories import load


class ImportStory(ServiceMutation):
    """Import a Twee 3 file or a Twine 2 HTML file or archive (multipart request)."""

    class Arguments:
        file = Upload(required=True)

    scenarios = graphene.List(ScenarioType)
    special_passages = graphene.List(graphene.String, description="Passages kept aside, not turned into scenes.")
    warnings = graphene.List(graphene.String)

    @classmethod
    def perform(cls, root, info, file):
        reports = import_twine_file(author=require_user(info), filename=getattr(file, "name", ""), data=file.read())
        return cls(success=True, message=" ".join(report.summary for report in reports),
                   scenarios=[report.scenario for report in reports],
                   special_passages=[name for report in reports for name in report.special_passages],
                   warnings=[warning for report in reports for warning in report.warnings])


class ExportStory(ServiceMutation):
    """A story as a file: `format` is twee (Twee 3) or html (a Twine 2 archive)."""

    class Arguments:
        scenario_id = graphene.ID(required=True)
        format = graphene.String(default_value="twee")

    filename = graphene.String()
    content_type = graphene.String()
    content = graphene.String()

    @classmethod
    def perform(cls, root, info, scenario_id, format="twee"):
        exported = export_story(editor=require_user(info), scenario=load(Scenario, scenario_id, "story"),
                                format=format)
        return cls(success=True, message=f"Exported as {exported.filename}.", filename=exported.filename,
                   content_type=exported.content_type, content=exported.content.decode())
