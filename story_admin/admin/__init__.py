"""The Django admin, tuned for authors: every write goes through `story_admin.services`.

One module per model admin; forms, filters and previews they share in their own modules.
"""

from django.contrib import admin

from ..models import Asset, Choice, PlayerProgress, Scenario, Scene, User
from .assets import AssetAdmin
from .choices import ChoiceAdmin
from .progress import PlayerProgressAdmin
from .scenarios import ScenarioAdmin
from .scenes import SceneAdmin
from .users import UserAdmin

admin.site.register(Scenario, ScenarioAdmin)
admin.site.register(Scene, SceneAdmin)
admin.site.register(Choice, ChoiceAdmin)
admin.site.register(Asset, AssetAdmin)
admin.site.register(PlayerProgress, PlayerProgressAdmin)
admin.site.register(User, UserAdmin)
