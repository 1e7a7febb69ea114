"""Another author's private media: every entry point taking an asset id answers NOT_FOUND, as for a missing id."""

import pytest

from story_admin.models import Asset, AssetType, Scene
from tests.factories import AssetFactory, ScenarioFactory, SceneFactory
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db

UPDATE = """mutation($scene: ID!, $image: ID, $sound: ID) {
  updateScene(sceneId: $scene, input: {imageId: $image, soundId: $sound}) {
    success code message scene { imageId { url filename prompt uploadedBy { email } } } } }"""
CREATE = """mutation($story: ID!, $image: ID, $sound: ID) {
  createScene(input: {scenarioId: $story, title: "Taken", text: "x", imageId: $image, soundId: $sound}) {
    success code message scene { imageId { url prompt } } } }"""


@pytest.fixture
def private_media(author):
    """A's draft image and narration, with A's private scene text as their prompt."""
    draft = ScenarioFactory(author=author, title="A's draft")
    image = AssetFactory(uploaded_by=author, scenario=draft, is_public=False, prompt="A's secret scene text")
    sound = AssetFactory(
        uploaded_by=author, scenario=draft, type=AssetType.SOUND, is_public=False, prompt="A's secret narration"
    )
    return image, sound


@pytest.mark.parametrize("document", ["update", "create"])
def test_another_authors_private_media_cannot_be_attached(gql, other_author, private_media, document):
    image, sound = private_media
    scene = SceneFactory(scenario=ScenarioFactory(author=other_author))
    before = database_snapshot()
    variables = {"image": str(image.pk), "sound": str(sound.pk)}
    if document == "update":
        answer = gql.as_user(other_author).data(UPDATE, {"scene": str(scene.pk), **variables})["updateScene"]
    else:
        answer = gql.as_user(other_author).data(CREATE, {"story": str(scene.scenario_id), **variables})["createScene"]
    assert (answer["success"], answer["code"], answer["scene"]) == (False, "NOT_FOUND", None)
    assert answer["message"] == f"No image asset has the id “{image.pk}”."
    assert "secret" not in str(answer)
    assert database_snapshot() == before


def test_the_owner_still_attaches_their_own_media(gql, author, private_media):
    image, sound = private_media
    scene = SceneFactory(scenario=image.scenario)
    answer = gql.as_user(author).data(UPDATE, {"scene": str(scene.pk), "image": str(image.pk), "sound": str(sound.pk)})[
        "updateScene"
    ]
    assert answer["success"] and answer["scene"]["imageId"]["prompt"] == "A's secret scene text"
    assert Scene.objects.get(pk=scene.pk).sound_id == sound.pk


@pytest.mark.parametrize(
    "document, field",
    [
        ('mutation($id: ID!) { updateAsset(assetId: $id, input: {name: "Mine"}) { success code } }', "updateAsset"),
        ("mutation($id: ID!) { deleteAsset(assetId: $id) { success code } }", "deleteAsset"),
    ],
)
def test_asset_mutations_answer_not_found_for_an_asset_one_may_not_see(
    gql, other_author, private_media, document, field
):
    image, _ = private_media
    answer = gql.as_user(other_author).data(document, {"id": str(image.pk)})[field]
    assert (answer["success"], answer["code"]) == (False, "NOT_FOUND")
    assert Asset.objects.get(pk=image.pk).name == image.name


GENERATE = 'mutation { generateAsset(type: "image", name: "Door", description: "A secret door") { asset { mongoId } } }'
ASSET = "query($id: ID!) { assetById(assetId: $id) { prompt } }"


def test_generated_media_is_private_until_a_published_story_uses_it(gql, author, player):
    asset_id = gql.as_user(author).data(GENERATE)["generateAsset"]["asset"]["mongoId"]
    asset = Asset.objects.get(pk=asset_id)
    assert asset.is_public is False
    for reader in (None, player):
        result = gql.as_user(reader)(ASSET, {"id": asset_id})
        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND", result
        assert "secret" not in str(result)
        assert gql.as_user(reader).data("{ allAssets { prompt } publicAssets { prompt } }") == {
            "allAssets": [],
            "publicAssets": [],
        }
    assert gql.as_user(author).data(ASSET, {"id": asset_id})["assetById"]["prompt"] == "A secret door"

    story = ScenarioFactory(author=author)
    SceneFactory(scenario=story, image=asset)
    assert gql.as_user(None)(ASSET, {"id": asset_id})["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    story.is_published = True
    story.save()
    assert gql.as_user(None).data(ASSET, {"id": asset_id})["assetById"]["prompt"] == "A secret door"
