"""One entry per direction for every file format: Twee 3, Twine 2 HTML, and Story Studio backups."""

from ..models import Scenario, User
from .backup import export_backup, import_backup
from .twine import ExportedFile, ImportReport, export_story as export_twine, import_twine_file

EXPORT_FORMATS = ("twee", "html", "backup")


def import_story_file(*, author: User, filename: str, data: bytes, restore: bool = False) -> list[ImportReport]:
    """A backup (.zip) or a Twine file (.twee, .tw, .html): every story in it, or none."""
    if filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        scenario = import_backup(author=author, data=data, restore=restore)
        return [
            ImportReport(scenario=scenario, scene_count=scenario.scenes.count(), choice_count=scenario.choices.count())
        ]
    return import_twine_file(author=author, filename=filename, data=data)


def export_story_file(*, editor: User, scenario: Scenario, format: str) -> ExportedFile:
    if format == "backup":
        return export_backup(editor=editor, scenario=scenario)
    return export_twine(editor=editor, scenario=scenario, format=format)
