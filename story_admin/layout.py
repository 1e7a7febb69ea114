"""“Tidy up”: a layered, left-to-right layout of a story's graph (pure function over a Story)."""

from collections import deque

from .story import Story

COLUMN_WIDTH, ROW_HEIGHT = 280.0, 170.0


def layered_positions(story: Story) -> dict:
    """Scene id -> (x, y): columns by distance from the start, rows ordered to follow their parents."""
    layer = {}
    pending = deque(scene.pk for scene in story.start_scenes)
    for scene_id in pending:
        layer[scene_id] = 0
    while pending:
        scene_id = pending.popleft()
        for choice in story.choices_by_scene.get(scene_id, []):
            if choice.to_scene_id in story.scenes_by_id and choice.to_scene_id not in layer:
                layer[choice.to_scene_id] = layer[scene_id] + 1
                pending.append(choice.to_scene_id)
    unreached_column = max(layer.values(), default=-1) + 1
    for scene in story.scenes:
        layer.setdefault(scene.pk, unreached_column)

    columns: dict[int, list] = {}
    for scene in story.scenes:
        columns.setdefault(layer[scene.pk], []).append(scene)
    row_of, positions = {}, {}
    parents = {scene.pk: [] for scene in story.scenes}
    for choice in story.choices:
        if choice.to_scene_id in parents:
            parents[choice.to_scene_id].append(choice.from_scene_id)
    for column in sorted(columns):

        def barycentre(scene):
            rows = [row_of[parent] for parent in parents[scene.pk] if parent in row_of]
            return (sum(rows) / len(rows) if rows else float("inf"), scene.order)

        for row, scene in enumerate(sorted(columns[column], key=barycentre)):
            row_of[scene.pk] = row
            positions[scene.pk] = (column * COLUMN_WIDTH, row * ROW_HEIGHT)
    return positions
