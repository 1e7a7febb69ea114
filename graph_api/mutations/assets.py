"""Assets registered by address, edited, deleted, or generated."""

import graphene

from generation.services import request_generation
from generation.uploads import attach_upload
from story_admin.services.assets import delete_asset, register_asset, update_asset
from story_admin.exceptions import StoryRuleError
from story_admin.models import Asset, MediaKind, Scene

from ..auth import require_user
from ..ids import load
from ..scalars import JSONString, Upload
from ..types import AssetType
from .base import ServiceMutation, provided


class CreateAssetInput(graphene.InputObjectType):
    type = graphene.String(required=True)
    name = graphene.String(required=True)
    filename = graphene.String(required=True)
    url = graphene.String(required=True)
    file_size = graphene.Int()
    mime_type = graphene.String()
    metadata = JSONString()
    is_public = graphene.Boolean(default_value=True)


class UpdateAssetInput(graphene.InputObjectType):
    name = graphene.String()
    url = graphene.String()
    metadata = JSONString()
    is_public = graphene.Boolean()


class CreateAsset(ServiceMutation):
    """Register a file that lives at an address."""

    class Arguments:
        input = CreateAssetInput(required=True)

    asset = graphene.Field(AssetType)

    @classmethod
    def perform(cls, root, info, input):
        fields = provided(input, "file_size", "mime_type", "metadata", "is_public")
        fields = {name: value for name, value in fields.items() if value is not None}
        asset = register_asset(
            owner=require_user(info), type=input.type, name=input.name, filename=input.filename, url=input.url, **fields
        )
        return cls(success=True, message="Asset registered.", asset=asset)


class UpdateAsset(ServiceMutation):
    class Arguments:
        asset_id = graphene.ID(required=True)
        input = UpdateAssetInput(required=True)

    asset = graphene.Field(AssetType)

    @classmethod
    def perform(cls, root, info, asset_id, input):
        editor = require_user(info)
        changes = provided(input, "name", "url", "metadata", "is_public")
        asset = update_asset(editor=editor, asset=load(Asset, asset_id, "asset"), **changes)
        return cls(success=True, message="Asset saved.", asset=asset)


class DeleteAsset(ServiceMutation):
    class Arguments:
        asset_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, asset_id):
        delete_asset(editor=require_user(info), asset=load(Asset, asset_id, "asset"))
        return cls(success=True, message="Asset deleted.")


# The contract's (type, soundType) pairs: "tts" is its name for narration.
GENERATED_KINDS = {
    ("image", None): MediaKind.IMAGE,
    ("sound", "tts"): MediaKind.NARRATION,
    ("sound", "music"): MediaKind.MUSIC,
}


class GenerateAsset(ServiceMutation):
    """Queue the generation of an image, a narration (`soundType: tts`) or music (`soundType: music`)."""

    class Arguments:
        type = graphene.String(required=True)
        name = graphene.String(required=True)
        description = graphene.String()
        duration = graphene.Int()
        language = graphene.String()
        sound_type = graphene.String(default_value="tts")

    asset = graphene.Field(AssetType)

    @classmethod
    def perform(cls, root, info, type, name, description=None, duration=None, language=None, sound_type="tts"):
        requester = require_user(info)
        kind = GENERATED_KINDS.get((type, sound_type if type == "sound" else None))
        if kind is None:
            raise StoryRuleError("type must be image or sound, and soundType tts or music.")
        metadata = {key: value for key, value in (("duration", duration), ("language", language)) if value}
        asset = request_generation(
            requester=requester, kind=kind, name=name, prompt=description or name, metadata=metadata
        )
        return cls(success=True, message="Generation queued: the asset's status follows it.", asset=asset)


class UploadAsset(ServiceMutation):
    """Attach an own file to a scene (multipart request): `kind` is image, sound (narration) or music."""

    class Arguments:
        scene_id = graphene.ID(required=True)
        kind = graphene.String(required=True)
        file = Upload(required=True)

    asset = graphene.Field(AssetType)

    @classmethod
    def perform(cls, root, info, scene_id, kind, file):
        editor = require_user(info)
        asset = attach_upload(
            editor=editor,
            scene=load(Scene, scene_id, "scene"),
            kind=kind,
            filename=getattr(file, "name", ""),
            data=file.read(),
        )
        return cls(success=True, message="File attached to the scene.", asset=asset)
