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
