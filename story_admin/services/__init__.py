"""Writes and rules of the story domain, used by the admin, the studio and the API alike."""

from .progress import (advance, choose, delete_progress, go_back, keep_guest_progress, progress_percentage,
                       set_time_spent, start_guest_progress, start_progress)
from .previews import create_preview_link, revoke_preview_link
from .assets import can_edit_asset, delete_asset, register_asset, update_asset
from .stories import (
    check_choice,
    check_scenario,
    check_scene,
    create_choice,
    create_scenario,
    create_scene,
    delete_choice,
    delete_choices,
    delete_scenario,
    delete_scene,
    ensure_unique_title,
    free_scene_title,
    move_scene,
    group_scenes,
    place_scenes,
    publish_scenario,
    reorder_choice,
    set_start_scene,
    tidy_up,
    unpublish_scenario,
    update_choice,
    update_scenario,
    update_scene,
)

__all__ = [
    "can_edit_asset", "check_choice", "check_scenario", "check_scene", "delete_asset", "register_asset",
    "update_asset",
    "advance", "choose", "delete_progress", "create_choice", "create_scenario", "create_scene", "delete_choice",
    "delete_choices", "delete_scenario", "delete_scene", "ensure_unique_title", "free_scene_title", "go_back",
    "move_scene", "progress_percentage", "group_scenes", "place_scenes", "publish_scenario", "reorder_choice",
    "set_start_scene", "tidy_up", "set_time_spent", "start_progress", "unpublish_scenario",
    "update_choice", "update_scenario", "update_scene",
    "create_preview_link", "keep_guest_progress", "revoke_preview_link", "start_guest_progress",
]
