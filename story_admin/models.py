"""Data shape of the story domain; collection and field names follow the seed's documents."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import acheck_password, check_password
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django_mongodb_backend.fields import ArrayField, EmbeddedModelArrayField
from django_mongodb_backend.models import EmbeddedModel


class Role(models.TextChoices):
    AUTHOR = "admin", "Author"
    PLAYER = "player", "Player"


class UserManager(BaseUserManager):
    use_in_migrations = True

    @staticmethod
    def normalize_email(email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.AUTHOR)
        extra_fields["is_superuser"] = True
        extra_fields.pop("is_staff", None)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: an author (role `admin`, as the seed names it) or a player. Email is the login."""

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PLAYER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # In every API token; bumped when the password or email changes or on "sign out everywhere",
    # which refuses every token issued before.
    token_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        db_table = "users"

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        user = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        user._stored_email = user.__dict__.get("email")
        return user

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        stored_email = getattr(self, "_stored_email", None)
        if stored_email is not None and stored_email != self.email:
            self.token_version += 1  # tokens name the account; a new address must not keep old sessions
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "token_version"}
        super().save(*args, **kwargs)
        self._stored_email = self.email

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.token_version += 1

    def check_password(self, raw_password):
        """Django's check, whose hash upgrade (bcrypt to PBKDF2) keeps the tokens: the password is the same."""

        def upgrade(raw_password):
            AbstractBaseUser.set_password(self, raw_password)
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, upgrade)

    async def acheck_password(self, raw_password):
        async def upgrade(raw_password):
            AbstractBaseUser.set_password(self, raw_password)
            self._password = None
            await self.asave(update_fields=["password"])

        return await acheck_password(raw_password, self.password, upgrade)

    def set_unusable_password(self):
        super().set_unusable_password()
        self.token_version += 1

    @property
    def display_name(self) -> str:
        """What others see of an account (never its email)."""
        return f"{self.first_name} {self.last_name}".strip() or ("Author" if self.role == Role.AUTHOR else "Player")

    @property
    def is_author(self) -> bool:
        return self.is_active and (self.role == Role.AUTHOR or self.is_superuser)

    @property
    def is_staff(self) -> bool:
        """Authors may sign in to the admin; players never."""
        return self.is_author

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email


class AssetType(models.TextChoices):
    IMAGE = "image", "Image"
    SOUND = "sound", "Narration"
    MUSIC = "music", "Music"
    VIDEO = "video", "Video"


class MediaKind(models.TextChoices):
    """A scene's media slot. Its value is the scene's field (`image`, `sound`, `music`); "narration" is
    another name of the sound slot (the API's `soundType: tts` too: graph_api/mutations/assets.py)."""

    IMAGE = "image", "Image"
    NARRATION = "sound", "Narration"
    MUSIC = "music", "Music"

    @classmethod
    def parse(cls, name, *, what: str = "Media kind") -> "MediaKind":
        """The kind a caller names, or a refusal listing the names it may use."""
        kind = MEDIA_KIND_NAMES.get(name) if isinstance(name, str) else None
        if kind is None:
            from .exceptions import StoryRuleError

            raise StoryRuleError(f"{what} must be one of: {', '.join(sorted(MEDIA_KIND_NAMES))}.")
        return kind

    @property
    def field(self) -> str:
        """The scene's field holding this kind of media."""
        return self.value

    @property
    def asset_type(self) -> "AssetType":
        """The type of asset made (generated or uploaded) for this slot."""
        return AssetType(self.value)

    @property
    def accepted_types(self) -> frozenset:
        """The asset types this slot may show: music plays any sound, the others only their own type."""
        return (
            frozenset({AssetType.MUSIC, AssetType.SOUND}) if self is MediaKind.MUSIC else frozenset({self.asset_type})
        )

    @property
    def media(self) -> str:
        """What its bytes must be: "image" or "audio"."""
        return "image" if self is MediaKind.IMAGE else "audio"


MEDIA_KIND_NAMES = {
    "image": MediaKind.IMAGE,
    "sound": MediaKind.NARRATION,
    "narration": MediaKind.NARRATION,
    "music": MediaKind.MUSIC,
}


class AssetStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Asset(models.Model):
    """A media file (image, narration, music): uploaded, registered by address or generated."""

    type = models.CharField(max_length=16, choices=AssetType.choices)
    name = models.CharField(max_length=255)
    filename = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=2048, blank=True)
    file = models.FileField(upload_to="assets/", blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    mime_type = models.CharField(max_length=127, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assets")
    scenario = models.ForeignKey("Scenario", null=True, blank=True, on_delete=models.CASCADE, related_name="assets")
    scene = models.ForeignKey(
        "Scene", null=True, blank=True, on_delete=models.SET_NULL, related_name="generated_assets"
    )
    status = models.CharField(max_length=16, choices=AssetStatus.choices, default=AssetStatus.READY)
    error = models.TextField(blank=True)
    provider = models.CharField(max_length=64, blank=True)
    model = models.CharField(max_length=255, blank=True)
    prompt = models.TextField(blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds, for audio.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "assets"

    @property
    def source_url(self) -> str:
        """Where the asset's bytes are: its stored file's URL, else its address ("" when it has neither)."""
        return self.file.url if self.file else (self.url or "")

    def __str__(self):
        return f"{self.get_type_display()}: {self.name}"


class Scenario(models.Model):
    """A story: its scenes and choices form a graph that players walk from the start scene."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=12, default="en", help_text="BCP 47 code, e.g. fr or en.")
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    ifid = models.CharField("IFID", max_length=63, blank=True, help_text="Interactive fiction id (Twine).")
    twine = models.JSONField(
        default=dict, blank=True, help_text="What a Twine import kept: format, zoom, tag colours, special passages."
    )
    is_published = models.BooleanField(default=False)
    variables = models.JSONField(
        default=list,
        blank=True,
        help_text="Declared variables (story state): name, kind, initial, minimum, maximum, visible, description.",
    )
    items = models.JSONField(default=list, blank=True, help_text="Declared items: name, description.")
    allow_rerolls = models.BooleanField(default=False, help_text="Going back lets a player roll the dice again.")
    allow_back = models.BooleanField(
        "Allow going back",
        default=True,
        help_text="Players may go back a step (the reading site's Back button, the API's goBackInHistory).",
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="scenarios")
    cover_image = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scenarios"
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title


class EndingKind(models.TextChoices):
    NONE = "", "Not an ending"
    HAPPY = "happy", "Happy ending"
    TRAGIC = "tragic", "Tragic ending"
    NEUTRAL = "neutral", "Neutral ending"
    SECRET = "secret", "Secret ending"


class Scene(models.Model):
    """One page of a story: text, media, and the choices that leave it."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="scenes")
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    order = models.IntegerField(default=0)
    is_start_scene = models.BooleanField(default=False)
    is_end_scene = models.BooleanField(default=False)
    ending_kind = models.CharField(max_length=16, choices=EndingKind.choices, blank=True, default="")
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    group = models.CharField(
        max_length=60,
        blank=True,
        default="",
        help_text="The group (a chapter) the scene is drawn in on the map; empty: none.",
    )
    position_x = models.FloatField(default=0)
    position_y = models.FloatField(default=0)
    image = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sound = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    music = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    effects = models.JSONField(default=list, blank=True, help_text="JSON Logic effects applied on arrival.")
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Counts saves: a save is written only over the version it read."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scenes"
        ordering = ["order", "created_at"]

    def __str__(self):
        return self.title


class Choice(models.Model):
    """A link from one scene to another of the same story, with the label the player reads."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="choices")
    from_scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="choices")
    to_scene = models.ForeignKey(
        Scene, null=True, blank=True, on_delete=models.CASCADE, related_name="incoming_choices"
    )
    text = models.CharField(max_length=500)
    condition = models.JSONField(default=dict, blank=True, help_text="JSON Logic; {} is always.")
    locked_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown to players on the disabled choice while its condition is false; empty hides the choice.",
    )
    effects = models.JSONField(default=list, blank=True, help_text="JSON Logic effects applied when taken.")
    order = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "choices"
        ordering = ["order", "created_at"]

    def __str__(self):
        return self.text


class HistoryEntry(EmbeddedModel):
    """One step of a player's path, embedded in their progress document."""

    scene_id = models.CharField(max_length=24)
    choice_id = models.CharField(max_length=24, blank=True, default="")
    timestamp = models.DateTimeField(default=timezone.now)
    metadata = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True, help_text="The player's state after this step.")


class PlayerProgress(models.Model):
    """Where one player stands in one story, with the path that led there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="progress")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="progress")
    current_scene = models.ForeignKey(Scene, null=True, on_delete=models.SET_NULL, related_name="+")
    history = EmbeddedModelArrayField(HistoryEntry, default=list, blank=True)
    is_completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    total_time_spent = models.PositiveIntegerField(default=0, help_text="Seconds.")
    state = models.JSONField(default=dict, blank=True, help_text="Variables, items and visits now.")
    seed = models.BigIntegerField(default=0, help_text="Seeds the dice, so a roll can be reproduced.")
    steps_taken = models.PositiveIntegerField(default=0, help_text="Every move ever made, going back included.")
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Counts steps: a step is written only over the version it read."
    )
    is_preview = models.BooleanField(
        default=False, help_text="Played through a private preview link: kept apart from real players' figures."
    )
    endings_found = ArrayField(
        models.CharField(max_length=24),
        default=list,
        blank=True,
        help_text="Ids of the ending scenes this player ever reached, restarts included.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "player_progress"
        verbose_name_plural = "player progress"
        constraints = [models.UniqueConstraint(fields=["user", "scenario"], name="one_progress_per_player_and_story")]
        # The first stage of every analytics pipeline (story_admin/analytics): a story's players by start date.
        indexes = [models.Index(fields=["scenario", "is_preview", "created_at"], name="progress_analytics")]

    def __str__(self):
        return f"{self.user} in {self.scenario}"


class PlayerFigures(models.Model):
    """What one day's starters of one story did, counted: the Players view adds these up instead of reading every
    player's progress (story_admin/analytics/counters.py keeps them in step with `player_progress`).

    Maps are keyed by id or value, each holding how many of those players it counts: `seconds` the reading time
    of each finished player, `visits` the number of distinct scenes each saw, `endings` where the finished ones
    stand, `reached` / `taken` the scenes and choices each reached or took (once a player), `stopped` the
    unfinished ones by the hour of their last move ("2026-12-03T14"), then by the scene they stand at.
    """

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="+")
    day = models.DateTimeField(help_text="Midnight (UTC) of the day these players started.")
    started = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    seconds = models.JSONField(default=dict, blank=True)
    visits = models.JSONField(default=dict, blank=True)
    endings = models.JSONField(default=dict, blank=True)
    reached = models.JSONField(default=dict, blank=True)
    taken = models.JSONField(default=dict, blank=True)
    stopped = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "player_figures"
        verbose_name_plural = "player figures"
        constraints = [models.UniqueConstraint(fields=["scenario", "day"], name="one_figures_per_story_and_day")]

    def __str__(self):
        return f"{self.scenario} players of {self.day:%Y-%m-%d}"


class PreviewLink(models.Model):
    """A private, revocable address through which beta readers play a story, draft or not."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "preview_links"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.scenario}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginThrottle(models.Model):
    """Failed sign-ins for one email (from one client address), shared by every web process through the database."""

    email = models.CharField(max_length=254)
    # The client address whose failures these are, or EVERY_ADDRESS for the email's own count.
    address = models.CharField(max_length=64, default="*")
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    EVERY_ADDRESS = "*"

    class Meta:
        db_table = "login_throttles"
        constraints = [models.UniqueConstraint(fields=["email", "address"], name="one_throttle_per_email_and_address")]

    def __str__(self):
        return f"{self.email} from {self.address}: {self.failures} failed sign-ins"


class EditStep(models.Model):
    """One undoable edit of a story by one author: what the documents were before and after it.

    `changes`: a list of {"model": "scene" | "choice" | "scenario", "id", "before", "after"}; a `before`
    of null is a creation, an `after` of null a deletion; otherwise both hold only the fields changed.
    """

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300, help_text="In English; the studio says `wording` in its language.")
    wording = models.CharField(max_length=300, blank=True, default="", help_text="The label's msgid, %(name)s places.")
    details = models.JSONField(default=dict, blank=True, help_text="What fills the wording's places.")
    kind = models.CharField(max_length=32, blank=True, help_text="scene, choice, delete_scene, tidy_up, replace…")
    changes = models.JSONField(default=list)
    is_undone = models.BooleanField(default=False, help_text="Undone steps can be redone, until a new edit.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "edit_steps"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["scenario", "author", "is_undone", "created_at"], name="edit_steps_stack")]

    def __str__(self):
        return self.label
