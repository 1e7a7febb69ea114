"""Duplicating a story: the backup of a story, imported as a copy (same graph, same media, new ids)."""

from ..models import Scenario, User
from .backup import export_backup, import_backup


def duplicate_scenario(*, editor: User, scenario: Scenario) -> Scenario:
    copy = import_backup(author=editor, data=export_backup(editor=editor, scenario=scenario).content)
    copy.title = f"{scenario.title} (copy)"
    copy.save(update_fields=["title", "updated_at"])
    return copy
