"""Factories for the story domain's documents."""

import factory
from django.utils.text import slugify

from story_admin.models import Asset, AssetType, Choice, Role, Scenario, Scene, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    first_name = "Ada"
    last_name = "Reader"
    role = Role.PLAYER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class AuthorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"author{n}@example.com")
    role = Role.AUTHOR


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.LazyAttribute(lambda story: slugify(story.title))
    author = factory.SubFactory(AuthorFactory)
    language = "en"


class SceneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scene

    scenario = factory.SubFactory(ScenarioFactory)
    title = factory.Sequence(lambda n: f"Scene {n}")
    text = "Something happens."
    order = factory.Sequence(int)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    from_scene = factory.SubFactory(SceneFactory)
    to_scene = factory.SubFactory(SceneFactory, scenario=factory.SelfAttribute("..from_scene.scenario"))
    scenario = factory.SelfAttribute("from_scene.scenario")
    text = factory.Sequence(lambda n: f"Go on {n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    type = AssetType.IMAGE
    name = factory.Sequence(lambda n: f"Picture {n}")
    filename = factory.LazyAttribute(lambda asset: f"{slugify(asset.name)}.png")
    url = factory.LazyAttribute(lambda asset: f"https://example.com/{asset.filename}")
    uploaded_by = factory.SubFactory(AuthorFactory)


def build_story(author, scene_count: int, *, published: bool = False):
    """A chain of `scene_count` scenes, each with two choices, inserted in bulk."""
    scenario = ScenarioFactory(author=author, is_published=published)
    scenes = Scene.objects.bulk_create(
        Scene(
            scenario=scenario,
            title=f"Scene {n}",
            text="…",
            order=n,
            is_start_scene=n == 0,
            is_end_scene=n == scene_count - 1,
            ending_kind="happy" if n == scene_count - 1 else "",
        )
        for n in range(scene_count)
    )
    Choice.objects.bulk_create(
        Choice(scenario=scenario, from_scene=scene, to_scene=target, text=label)
        for index, scene in enumerate(scenes[:-1])
        for target, label in ((scenes[index + 1], "Forward"), (scenes[max(index - 1, 0)], "Back"))
    )
    return scenario


# A small Twee 3 story (the Twine tests, the studio's import) with a loop, two endings and a passage tag.
CAVE = r""":: StoryTitle
The Cave


:: StoryData
{
  "ifid": "d674c58c-defa-4f70-b7a2-27742230c0fc",
  "format": "Harlowe",
  "format-version": "3.3.9",
  "start": "Entrance",
  "tag-colors": {"dark": "purple"},
  "zoom": 0.6
}

:: StoryInit [script]
(set: $torch to false)

:: Style [stylesheet]
body { background: black; }

:: Entrance [dark cave] {"position":"100,200","size":"100,100"}
You stand at the mouth of a cave.
[[Go in->Tunnel]]
[[Lake<-Walk to the lake]]
[[Leave|Outside]]

:: Tunnel {"position":"350,100"}
It is dark. You could [[turn back->Entrance]] or [[Lake]].

:: Lake [ending-happy] {"position":"350,300"}
The water is warm.
\:\: not a header

:: Outside {"position":"600,200"}
The sun again.

:: A \[strange\] door \{ajar\} [odd\]tag] {"position":"600,400"}
Nobody comes here.
"""
