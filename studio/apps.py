"""App configs: the studio itself, and Django's contrib apps keyed by ObjectId on MongoDB."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django.contrib.contenttypes.apps import ContentTypesConfig
from django_rq.apps import DjangoRqAdminConfig

OBJECT_ID_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"


class MongoAdminConfig(AdminConfig):
    default_auto_field = OBJECT_ID_AUTO_FIELD
    default_site = "story_admin.admin_site.StoryAdminSite"


class MongoAuthConfig(AuthConfig):
    default_auto_field = OBJECT_ID_AUTO_FIELD


class MongoContentTypesConfig(ContentTypesConfig):
    default_auto_field = OBJECT_ID_AUTO_FIELD


class MongoDjangoRqConfig(DjangoRqAdminConfig):
    default_auto_field = OBJECT_ID_AUTO_FIELD


class StudioConfig(AppConfig):
    name = "studio"
    default_auto_field = OBJECT_ID_AUTO_FIELD
