"""Read fields: the contract's queries and ours. Each reads through story_admin's selectors."""

import graphene

from story_admin import permissions, selectors
from story_admin.exceptions import NotFound, StoryError
from story_admin.models import Asset, Choice, PlayerProgress, Scenario, Scene, User

from .auth import current_user, require_user
from .errors import from_story_error
from .ids import load, object_id
from .loaders import listed, listed_progress, story_of
from .node import NodeField
from .types import AssetType, ChoiceType, PlayerProgressType, ScenarioType, SceneType, UserType


def _not_found(what: str, value) -> NotFound:
    return NotFound(f"No {what} has the id “{value}”.")


def readable_scenario(info, scenario_id) -> Scenario:
    """A story the caller may read; drafts of others are reported as missing, not as forbidden."""
    try:
        scenario = selectors.get_readable_story(current_user(info), object_id(scenario_id, what="story"))
    except NotFound:
        raise _not_found("story", scenario_id) from None
    return story_of(info, scenario).scenario


def readable_scene(info, scene_id) -> Scene:
    scene = load(Scene, scene_id, "scene")
    scenario = readable_scenario(info, scene.scenario_id)
    return story_of(info, scenario).scenes_by_id[scene.pk]


def readable_choice(info, choice_id) -> Choice:
    choice = load(Choice, choice_id, "choice")
    scenario = readable_scenario(info, choice.scenario_id)
    return story_of(info, scenario).choices_by_id[choice.pk]


def readable_progress(info, progress_id) -> PlayerProgress:
    user = require_user(info)
    progress = (
        selectors.visible_progress(user)
        .select_related("user", "scenario")
        .filter(pk=object_id(progress_id, what="progress"))
        .first()
    )
    if progress is None:
        raise _not_found("progress", progress_id)
    return progress


def readable_user(info, user_id) -> User:
    """An account, for itself or a superuser (`node`); anyone else is told it does not exist."""
    user = require_user(info)
    account = load(User, user_id, "account")
    if account.pk != user.pk and not user.is_superuser:
        raise _not_found("account", user_id)
    return account


def listed_accounts(user):
    """The accounts a caller may look up: every one for a superuser, their own for an author."""
    return User.objects.all() if user.is_superuser else User.objects.filter(pk=user.pk)


def readable_asset(info, asset_id) -> Asset:
    try:
        return selectors.get_visible_asset(current_user(info), object_id(asset_id, what="asset"))
    except NotFound:
        raise _not_found("asset", asset_id) from None


def require_author(info):
    user = require_user(info)
    if not permissions.is_author(user):
        raise from_story_error(permissions.PermissionDenied("Only authors can list accounts."))
    return user


def domain_errors(resolver):
    """Turn the domain's refusals into GraphQL errors with their code."""

    def wrapped(root, info, **kwargs):
        try:
            return resolver(root, info, **kwargs)
        except StoryError as error:
            raise from_story_error(error) from None

    return wrapped


class Query(graphene.ObjectType):
    node = NodeField()
    me = graphene.Field(UserType)
    all_users = graphene.List(UserType)
    user_by_id = graphene.Field(UserType, user_id=graphene.ID(required=True))
    user_by_email = graphene.Field(UserType, email=graphene.String(required=True))

    all_scenarios = graphene.List(ScenarioType, published_only=graphene.Boolean(default_value=False))
    scenario_by_id = graphene.Field(ScenarioType, scenario_id=graphene.ID(required=True))
    scenarios_by_author = graphene.List(ScenarioType, author_id=graphene.ID(required=True))
    scenario = graphene.Field(
        ScenarioType,
        id=graphene.ID(),
        slug=graphene.String(),
        description="A whole story in one request, by id or slug.",
    )

    scene_by_id = graphene.Field(SceneType, scene_id=graphene.ID(required=True))
    scenes_by_scenario = graphene.List(SceneType, scenario_id=graphene.ID(required=True))
    choice_by_id = graphene.Field(ChoiceType, choice_id=graphene.ID(required=True))
    choices_by_scene = graphene.List(ChoiceType, scene_id=graphene.ID(required=True))

    all_assets = graphene.List(AssetType, type_filter=graphene.String())
    public_assets = graphene.List(AssetType, type_filter=graphene.String())
    asset_by_id = graphene.Field(AssetType, asset_id=graphene.ID(required=True))
    assets_by_type = graphene.List(AssetType, type=graphene.String(required=True))
    assets_by_uploader = graphene.List(AssetType, uploader_id=graphene.ID(required=True))
    my_assets = graphene.List(AssetType)

    my_progress = graphene.List(PlayerProgressType, scenario_id=graphene.ID())
    all_progress = graphene.List(PlayerProgressType)
    progress_by_id = graphene.Field(PlayerProgressType, progress_id=graphene.ID(required=True))
    progress_by_user = graphene.List(PlayerProgressType, user_id=graphene.ID(required=True))
    progress_by_scenario = graphene.List(PlayerProgressType, scenario_id=graphene.ID(required=True))
    progress_by_user_and_scenario = graphene.Field(
        PlayerProgressType, user_id=graphene.ID(required=True), scenario_id=graphene.ID(required=True)
    )

    # Users

    @staticmethod
    def resolve_me(root, info):
        user = current_user(info)
        return user if user.is_authenticated else None

    # Account lookups: all accounts for superusers; an author finds only their own (others are null, as missing).

    @staticmethod
    def resolve_all_users(root, info):
        return listed_accounts(require_author(info)).order_by("email")

    @staticmethod
    @domain_errors
    def resolve_user_by_id(root, info, user_id):
        return listed_accounts(require_author(info)).filter(pk=object_id(user_id, what="account")).first()

    @staticmethod
    def resolve_user_by_email(root, info, email):
        return listed_accounts(require_author(info)).filter(email=email.strip().lower()).first()

    # Stories

    @staticmethod
    def resolve_all_scenarios(root, info, published_only=False):
        stories = selectors.readable_stories(current_user(info)).select_related("author")
        return listed(info, stories.filter(is_published=True) if published_only else stories)

    @staticmethod
    @domain_errors
    def resolve_scenario_by_id(root, info, scenario_id):
        return readable_scenario(info, scenario_id)

    @staticmethod
    @domain_errors
    def resolve_scenarios_by_author(root, info, author_id):
        author = object_id(author_id, what="author")
        return listed(
            info, selectors.readable_stories(current_user(info)).filter(author_id=author).select_related("author")
        )

    @staticmethod
    @domain_errors
    def resolve_scenario(root, info, id=None, slug=None):
        if id:
            return readable_scenario(info, id)
        if slug:
            scenario = selectors.readable_stories(current_user(info)).filter(slug=slug).first()
            if scenario is None:  # a draft of another author is missing too, and its id stays unsaid
                raise NotFound(f"No story has the slug “{slug}”.")
            return readable_scenario(info, scenario.pk)
        raise StoryError("Give the story's id or its slug.")

    @staticmethod
    @domain_errors
    def resolve_scene_by_id(root, info, scene_id):
        return readable_scene(info, scene_id)

    @staticmethod
    @domain_errors
    def resolve_scenes_by_scenario(root, info, scenario_id):
        return story_of(info, readable_scenario(info, scenario_id)).scenes

    @staticmethod
    @domain_errors
    def resolve_choice_by_id(root, info, choice_id):
        return readable_choice(info, choice_id)

    @staticmethod
    @domain_errors
    def resolve_choices_by_scene(root, info, scene_id):
        scene = readable_scene(info, scene_id)
        return story_of(info, scene.scenario).choices_from(scene)

    # Assets

    @staticmethod
    def resolve_all_assets(root, info, type_filter=None):
        assets = selectors.visible_assets(current_user(info)).select_related("uploaded_by")
        return assets.filter(type=type_filter) if type_filter else assets

    @staticmethod
    def resolve_public_assets(root, info, type_filter=None):
        assets = selectors.public_assets().select_related("uploaded_by")
        return assets.filter(type=type_filter) if type_filter else assets

    @staticmethod
    @domain_errors
    def resolve_asset_by_id(root, info, asset_id):
        return readable_asset(info, asset_id)

    @staticmethod
    def resolve_assets_by_type(root, info, type):
        return selectors.visible_assets(current_user(info)).filter(type=type).select_related("uploaded_by")

    @staticmethod
    @domain_errors
    def resolve_assets_by_uploader(root, info, uploader_id):
        uploader = object_id(uploader_id, what="account")
        return (
            selectors.visible_assets(current_user(info)).filter(uploaded_by_id=uploader).select_related("uploaded_by")
        )

    @staticmethod
    def resolve_my_assets(root, info):
        user = require_user(info)
        return selectors.visible_assets(user).filter(uploaded_by=user).select_related("uploaded_by")

    # Progress

    @staticmethod
    @domain_errors
    def resolve_my_progress(root, info, scenario_id=None):
        user = require_user(info)
        progress = selectors.visible_progress(user).filter(user=user).select_related("user", "scenario")
        if scenario_id:
            progress = progress.filter(scenario_id=object_id(scenario_id, what="story"))
        return listed_progress(info, progress)

    @staticmethod
    def resolve_all_progress(root, info):
        return listed_progress(info, selectors.visible_progress(require_user(info)).select_related("user", "scenario"))

    @staticmethod
    @domain_errors
    def resolve_progress_by_id(root, info, progress_id):
        return readable_progress(info, progress_id)

    @staticmethod
    @domain_errors
    def resolve_progress_by_user(root, info, user_id):
        user = require_user(info)
        owner = object_id(user_id, what="account")
        return listed_progress(
            info, selectors.visible_progress(user).filter(user_id=owner).select_related("user", "scenario")
        )

    @staticmethod
    @domain_errors
    def resolve_progress_by_scenario(root, info, scenario_id):
        user = require_user(info)
        story = object_id(scenario_id, what="story")
        return listed_progress(
            info, selectors.visible_progress(user).filter(scenario_id=story).select_related("user", "scenario")
        )

    @staticmethod
    @domain_errors
    def resolve_progress_by_user_and_scenario(root, info, user_id, scenario_id):
        user = require_user(info)
        return (
            selectors.visible_progress(user)
            .filter(user_id=object_id(user_id, what="account"), scenario_id=object_id(scenario_id, what="story"))
            .select_related("user", "scenario")
            .first()
        )
