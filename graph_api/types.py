"""GraphQL types: the documents of CONTRACT.md, with our additions. Resolvers read loaded stories."""

import os

import graphene
from bson import ObjectId
from graphene import relay
from graphene_django import DjangoObjectType

from story_admin import permissions, selectors
from story_admin.exceptions import ErrorCode
from story_admin.models import Asset, Choice, PlayerProgress, Scenario, Scene, User
from story_admin.services.progress import progress_percentage
from story_admin.services.scenes import version_of
from story_admin.state.play import NOT_NOW, state_of
from story_admin.state.schema import VARIABLE_FIELDS, SceneNames, schema_of
from story_admin.validation import story_problems

from .auth import current_user
from .errors import bad_input
from .loaders import story_around, story_of
from .scalars import JSONString


def resolve_document_mongo_id(document, info=None):
    return str(document.pk)


class UserType(DjangoObjectType):
    class Meta:
        model = User
        name = "UserType"
        interfaces = (relay.Node,)
        fields = ("id", "email", "role", "first_name", "last_name", "created_at", "updated_at")
        convert_choices_to_enum = False

    mongo_id = graphene.String()
    email = graphene.String(
        required=True,
        description=(
            "The account's email, for the account itself and superusers; an empty string for anyone else "
            "(the contract keeps it non-null; show displayName instead)."
        ),
    )
    display_name = graphene.String(required=True, description="Name to show others: first and last name, or the role.")
    resolve_mongo_id = resolve_document_mongo_id

    @staticmethod
    def resolve_email(user, info):
        return user.email if email_visible(user, current_user(info)) else ""

    @staticmethod
    def resolve_display_name(user, info):
        return user.display_name

    @classmethod
    def get_node(cls, info, id):
        from .queries import readable_user

        return readable_user(info, id)


def email_visible(account: User, viewer) -> bool:
    """An email is shown to its own account, to superusers, and to whoever just typed it (sign-up)."""
    if getattr(account, "email_shown_to_caller", False):
        return True
    if not viewer.is_authenticated:
        return False
    return viewer.pk == account.pk or (viewer.is_active and viewer.is_superuser)


class PositionType(graphene.ObjectType):
    x = graphene.Float(required=True)
    y = graphene.Float(required=True)


class AssetType(DjangoObjectType):
    class Meta:
        model = Asset
        name = "AssetType"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "type",
            "name",
            "filename",
            "mime_type",
            "is_public",
            "created_at",
            "updated_at",
            "status",
            "error",
            "provider",
            "model",
            "prompt",
            "width",
            "height",
        )
        convert_choices_to_enum = False

    mongo_id = graphene.String()
    url = graphene.String(required=True, description="Absolute address of the file.")
    metadata = JSONString()
    uploaded_by = graphene.Field(UserType, required=True)
    file_size = graphene.Int(description="Bytes.")
    file_size_mb = graphene.Float()
    file_extension = graphene.String()
    dimensions = graphene.String(description="WxH, for images.")
    duration = graphene.String(description="Seconds, for audio.")
    resolve_mongo_id = resolve_document_mongo_id

    @staticmethod
    def resolve_url(asset, info):
        address = asset.source_url
        if address and address.startswith("/"):
            return info.context.build_absolute_uri(address)
        return address or ""

    @staticmethod
    def resolve_metadata(asset, info):
        return asset.metadata or {}

    @staticmethod
    def resolve_uploaded_by(asset, info):
        return asset.uploaded_by

    @staticmethod
    def resolve_file_size_mb(asset, info):
        return None if asset.file_size is None else round(asset.file_size / (1024 * 1024), 2)

    @staticmethod
    def resolve_file_extension(asset, info):
        extension = os.path.splitext(asset.filename or asset.url or "")[1]
        return extension[1:].lower() or None

    @staticmethod
    def resolve_dimensions(asset, info):
        width = asset.width or (asset.metadata or {}).get("width")
        height = asset.height or (asset.metadata or {}).get("height")
        return f"{width}x{height}" if width and height else None

    @staticmethod
    def resolve_duration(asset, info):
        seconds = asset.duration if asset.duration is not None else (asset.metadata or {}).get("duration")
        return None if seconds is None else f"{float(seconds):g}"

    @classmethod
    def get_node(cls, info, id):
        from .queries import readable_asset

        return readable_asset(info, id)


class StoryProblemType(graphene.ObjectType):
    code = graphene.String(required=True)
    message = graphene.String(required=True)
    scene = graphene.Field(lambda: SceneType)
    choice = graphene.Field(lambda: ChoiceType)

    @classmethod
    def listed(cls, story, problems) -> list["StoryProblemType"]:
        return [
            cls(
                code=problem.code,
                message=problem.message,
                scene=story.scenes_by_id.get(problem.scene_id),
                choice=story.choices_by_id.get(problem.choice_id),
            )
            for problem in problems
        ]


class SceneType(DjangoObjectType):
    class Meta:
        model = Scene
        name = "SceneType"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "title",
            "text",
            "order",
            "is_start_scene",
            "is_end_scene",
            "ending_kind",
            "created_at",
            "updated_at",
        )
        convert_choices_to_enum = False

    mongo_id = graphene.String()
    scenario_id = graphene.Field(lambda: ScenarioType, required=True)
    image_id = graphene.Field(AssetType, description="The scene's image.")
    sound_id = graphene.Field(AssetType, description="The scene's narration.")
    music_id = graphene.Field(AssetType, description="The scene's background music.")
    choices = graphene.List(lambda: ChoiceType, description="Choices leaving this scene, by order.")
    position = graphene.Field(PositionType, required=True, description="Where the scene sits on the story map.")
    is_ending = graphene.Boolean(required=True)
    version = graphene.String(
        required=True,
        description="Send it back as updateScene's expectedVersion to refuse overwriting someone else's later save.",
    )
    effects = JSONString(required=True, description="JSON Logic effects applied when a player arrives; [] if none.")
    effects_text = graphene.String(description="The same effects as the author reads them (one per line).")
    resolve_mongo_id = resolve_document_mongo_id

    @staticmethod
    def resolve_scenario_id(scene, info):
        return scene.scenario

    @staticmethod
    def resolve_effects(scene, info):
        return scene.effects or []

    @staticmethod
    def resolve_effects_text(scene, info):
        return SceneNames(story_of(info, scene.scenario)).effects(scene.effects or [])

    @staticmethod
    def resolve_image_id(scene, info):
        return scene.image

    @staticmethod
    def resolve_sound_id(scene, info):
        return scene.sound

    @staticmethod
    def resolve_music_id(scene, info):
        return scene.music

    @staticmethod
    def resolve_choices(scene, info):
        return story_around(info, scene.scenario, scene.pk).choices_from(scene)

    @staticmethod
    def resolve_position(scene, info):
        return PositionType(x=scene.position_x, y=scene.position_y)

    @staticmethod
    def resolve_is_ending(scene, info):
        return scene.is_end_scene

    @staticmethod
    def resolve_version(scene, info):
        return version_of(scene)

    @classmethod
    def get_node(cls, info, id):
        from .queries import readable_scene

        return readable_scene(info, id)


class ChoiceType(DjangoObjectType):
    class Meta:
        model = Choice
        name = "ChoiceType"
        interfaces = (relay.Node,)
        fields = ("id", "text", "order", "created_at", "updated_at")

    mongo_id = graphene.String()
    from_scene_id = graphene.Field(SceneType, required=True)
    to_scene_id = graphene.Field(SceneType)
    condition = JSONString(description="A JSON object; {} when empty.")
    condition_text = graphene.String(
        description="The condition as the author reads it (empty: always); null when "
        "the stored condition is not JSON Logic of the studio's language."
    )
    locked_reason = graphene.String(
        required=True, description="Shown to players while the condition is false; empty: the choice is hidden then."
    )
    effects = JSONString(required=True, description="JSON Logic effects applied when the choice is taken.")
    effects_text = graphene.String()
    resolve_mongo_id = resolve_document_mongo_id

    @staticmethod
    def resolve_condition_text(choice, info):
        return SceneNames(story_of(info, choice.scenario)).condition(choice.condition or {})

    @staticmethod
    def resolve_locked_reason(choice, info):
        return choice.locked_reason or ""

    @staticmethod
    def resolve_effects(choice, info):
        return choice.effects or []

    @staticmethod
    def resolve_effects_text(choice, info):
        return SceneNames(story_of(info, choice.scenario)).effects(choice.effects or [])

    @staticmethod
    def resolve_from_scene_id(choice, info):
        return choice.from_scene

    @staticmethod
    def resolve_to_scene_id(choice, info):
        return story_around(info, choice.scenario, choice.from_scene_id).scenes_by_id.get(choice.to_scene_id)

    @staticmethod
    def resolve_condition(choice, info):
        return choice.condition or {}

    @classmethod
    def get_node(cls, info, id):
        from .queries import readable_choice

        return readable_choice(info, id)


class SceneConnection(relay.Connection):
    class Meta:
        node = SceneType


class VariableType(graphene.ObjectType):
    name = graphene.String(required=True)
    kind = graphene.String(required=True, description="number, flag or text.")
    initial = JSONString(required=True, description="The value a player starts with.")
    minimum = graphene.Float()
    maximum = graphene.Float()
    visible = graphene.Boolean(required=True, description="Shown to players (a stats panel), or hidden.")
    description = graphene.String(required=True)


class ItemType(graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String(required=True)


class ScenarioType(DjangoObjectType):
    class Meta:
        model = Scenario
        name = "ScenarioType"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "title",
            "slug",
            "description",
            "language",
            "is_published",
            "allow_rerolls",
            "allow_back",
            "created_at",
            "updated_at",
        )

    variables = graphene.List(graphene.NonNull(VariableType), required=True, description="The story's state.")
    items = graphene.List(graphene.NonNull(ItemType), required=True)

    @staticmethod
    def resolve_variables(scenario, info):
        return [
            VariableType(**{field: document.get(field) for field in VARIABLE_FIELDS})
            for document in scenario.variables or []
        ]

    @staticmethod
    def resolve_items(scenario, info):
        return [ItemType(name=item["name"], description=item.get("description", "")) for item in scenario.items or []]

    mongo_id = graphene.String()
    author_id = graphene.Field(UserType, required=True)
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    cover_image = graphene.Field(AssetType)
    scenes_list = graphene.List(SceneType, description="All scenes, by order.")
    scenes = relay.ConnectionField(SceneConnection, description="The same scenes, paginated.")
    start_scene = graphene.Field(SceneType)
    problems = graphene.List(
        graphene.NonNull(StoryProblemType), description="What keeps the story from being played (authors only)."
    )
    resolve_mongo_id = resolve_document_mongo_id

    @staticmethod
    def resolve_author_id(scenario, info):
        return scenario.author

    @staticmethod
    def resolve_tags(scenario, info):
        return scenario.tags or []

    @staticmethod
    def resolve_cover_image(scenario, info):
        story = story_of(info, scenario)
        return story.assets.get(scenario.cover_image_id) if scenario.cover_image_id else None

    @staticmethod
    def resolve_scenes_list(scenario, info):
        return story_of(info, scenario).scenes

    @staticmethod
    def resolve_scenes(scenario, info, **page):
        for size in ("first", "last"):
            if page.get(size) is not None and page[size] > 100:
                raise bad_input(f"Ask for at most 100 scenes at a time (`{size}: {page[size]}` was asked).")
        return story_of(info, scenario).scenes

    @staticmethod
    def resolve_start_scene(scenario, info):
        return story_of(info, scenario).start_scene

    @staticmethod
    def resolve_problems(scenario, info):
        if not permissions.can_edit_story(current_user(info), scenario):
            return None
        story = story_of(info, scenario)
        return StoryProblemType.listed(story, story_problems(story))

    @classmethod
    def get_node(cls, info, id):
        from .queries import readable_scenario

        return readable_scenario(info, id)


class HistoryEntryType(graphene.ObjectType):
    scene_id = graphene.Field(SceneType, required=True)
    choice_id = graphene.Field(ChoiceType)
    timestamp = graphene.DateTime()
    metadata = JSONString()
    state = JSONString(description="The player's state after this step.")


class AvailableChoiceType(graphene.ObjectType):
    choice = graphene.Field(ChoiceType, required=True)
    available = graphene.Boolean(required=True)
    reason = graphene.String(description="Why it cannot be taken now (the author's words); null when available.")


class PlayerProgressType(DjangoObjectType):
    class Meta:
        model = PlayerProgress
        name = "PlayerProgressType"
        interfaces = (relay.Node,)
        fields = ("id", "is_completed", "completed_at", "total_time_spent", "created_at", "updated_at")

    mongo_id = graphene.String()
    user_id = graphene.Field(UserType, required=True)
    scenario_id = graphene.Field(ScenarioType, required=True)
    current_scene_id = graphene.Field(SceneType, required=True)
    history = graphene.List(HistoryEntryType)
    progress_percentage = graphene.Float(description="Share of the story's scenes visited, 0-100.")
    state = JSONString(
        required=True,
        description='{"variables": {name: value}, "items": [names], "visits": '
        "{scene id: count}}: what conditions read.",
    )
    available_choices = graphene.List(
        graphene.NonNull(AvailableChoiceType),
        required=True,
        description="The current scene's choices a player may see: hidden ones left out, disabled ones with the "
        "author's reason.",
    )
    resolve_mongo_id = resolve_document_mongo_id

    @staticmethod
    def resolve_state(progress, info):
        return state_of(progress.state, schema_of(progress.scenario)).document()

    @staticmethod
    def resolve_available_choices(progress, info):
        story = story_around(info, progress.scenario, progress.current_scene_id)
        return [
            AvailableChoiceType(
                choice=verdict.choice,
                available=verdict.available,
                reason=None if verdict.available else verdict.reason or NOT_NOW,
            )
            for verdict in selectors.choices_for_player(progress, story)
        ]

    @staticmethod
    def resolve_user_id(progress, info):
        return progress.user

    @staticmethod
    def resolve_scenario_id(progress, info):
        return progress.scenario

    @staticmethod
    def resolve_current_scene_id(progress, info):
        story = story_around(info, progress.scenario, progress.current_scene_id)
        return story.scenes_by_id.get(progress.current_scene_id)

    @staticmethod
    def resolve_history(progress, info):
        story = story_of(info, progress.scenario)
        entries, visits = [], {}
        for entry in progress.history:
            visits[entry.scene_id] = visits.get(entry.scene_id, 0) + 1
            scene = story.scenes_by_id.get(ObjectId(entry.scene_id))
            if scene is None:  # the scene was deleted since; its step is no longer part of the path
                continue
            choice = story.choices_by_id.get(ObjectId(entry.choice_id)) if entry.choice_id else None
            entries.append(
                HistoryEntryType(
                    scene_id=scene,
                    choice_id=choice,
                    timestamp=entry.timestamp,
                    metadata=entry.metadata or {},
                    # An entry keeps variables and items; its visits are the path's scenes up to it.
                    state={**entry.state, "visits": dict(visits)} if entry.state else {},
                )
            )
        return entries

    @staticmethod
    def resolve_progress_percentage(progress, info):
        return progress_percentage(progress, scene_count=len(story_of(info, progress.scenario).scenes))

    @classmethod
    def get_node(cls, info, id):
        from .queries import readable_progress

        return readable_progress(info, id)


ErrorCodeEnum = graphene.Enum.from_enum(
    ErrorCode, name="ErrorCode", description="Why something was refused (the same codes as `code`)."
)


class FieldErrorType(graphene.ObjectType):
    field = graphene.String(required=True)
    messages = graphene.List(graphene.NonNull(graphene.String), required=True)
    code = graphene.Field(ErrorCodeEnum, required=True, description="Why this field was refused.")
