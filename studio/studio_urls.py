"""The studio's routes (namespace `studio`)."""

from django.urls import path

from .views import (auth, dashboard, endings, files, history, layout, media, players, playtest, replace, scenes,
                    state, story_map)

app_name = "studio"

urlpatterns = [
    path("signin/", auth.signin, name="signin"),
    path("signout/", auth.signout, name="signout"),
    path("", dashboard.dashboard, name="dashboard"),
    path("stories/new/", dashboard.create_story, name="create_story"),
    path("stories/import/", dashboard.import_story, name="import_story"),
    path("stories/<str:story_id>/", story_map.story_map, name="story"),
    path("stories/<str:story_id>/outline/", story_map.outline, name="outline"),
    path("stories/<str:story_id>/duplicate/", dashboard.duplicate_story, name="duplicate_story"),
    path("stories/<str:story_id>/delete/", dashboard.delete_story, name="delete_story"),
    path("stories/<str:story_id>/publish/", scenes.publish, name="publish"),
    path("stories/<str:story_id>/tidy-up/", layout.tidy_up, name="tidy_up"),
    path("stories/<str:story_id>/tidy-up/undo/", layout.undo_tidy_up, name="undo_tidy_up"),
    path("stories/<str:story_id>/history/", history.buttons, name="history_buttons"),
    path("stories/<str:story_id>/undo/", history.undo, name="undo"),
    path("stories/<str:story_id>/redo/", history.redo, name="redo"),
    path("stories/<str:story_id>/replace/", replace.find_and_replace, name="replace"),
    path("stories/<str:story_id>/play/", playtest.play, name="play"),
    path("stories/<str:story_id>/state/", state.story_state, name="state"),
    path("stories/<str:story_id>/endings/", endings.endings, name="endings"),
    path("stories/<str:story_id>/players/", players.players, name="players"),
    path("stories/<str:story_id>/players/csv/", players.players_csv, name="players_csv"),
    path("stories/<str:story_id>/state/variables/", state.add_variable, name="add_variable"),
    path("stories/<str:story_id>/state/variables/<str:name>/", state.edit_variable, name="edit_variable"),
    path("stories/<str:story_id>/state/variables/<str:name>/delete/", state.delete_variable, name="delete_variable"),
    path("stories/<str:story_id>/state/items/", state.add_item, name="add_item"),
    path("stories/<str:story_id>/state/items/<str:name>/", state.edit_item, name="edit_item"),
    path("stories/<str:story_id>/state/items/<str:name>/delete/", state.delete_item, name="delete_item"),
    path("stories/<str:story_id>/undo-delete/", scenes.undo_delete, name="undo_delete"),
    path("stories/<str:story_id>/export/<str:format>/", files.export_story, name="export_story"),
    path("stories/<str:story_id>/scenes/new/", scenes.add_scene, name="add_scene"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/", scenes.scene_panel, name="scene"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/move/", scenes.move_scene, name="move_scene"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/delete/", scenes.delete_scene, name="delete_scene"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/media/", media.media, name="media"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/media/generate/", media.generate, name="generate_media"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/media/upload/", media.upload, name="upload_media"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/media/remove/", media.remove, name="remove_media"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/choices/", scenes.add_choice, name="add_choice"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/choices/<str:choice_id>/", scenes.edit_choice,
         name="edit_choice"),
    path("stories/<str:story_id>/scenes/<str:scene_id>/choices/<str:choice_id>/delete/", scenes.delete_choice,
         name="delete_choice"),
]
