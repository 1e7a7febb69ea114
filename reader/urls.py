"""The reading site's routes (namespace `reader`), under /read/."""

from django.urls import path

from .views import accounts, play, stories

app_name = "reader"

# The same pages for a published story (by its address) and for a preview link (by its token).
STORY_PAGES = [
    ("", stories.story, "story"),
    ("play/", play.play, "play"),
    ("start/", play.start, "start"),
    ("choose/", play.choose, "choose"),
    ("back/", play.back, "back"),
    ("restart/", play.restart, "restart"),
]

urlpatterns = [
    path("", stories.library, name="library"),
    path("account/", accounts.my_stories, name="my_stories"),
    path("account/signup/", accounts.signup, name="signup"),
    path("account/signin/", accounts.signin, name="signin"),
    path("account/signout/", accounts.signout, name="signout"),
    path("account/delete/", accounts.delete_account, name="delete_account"),
    path("account/password-reset/", accounts.PasswordReset.as_view(), name="password_reset"),
    path("account/password-reset/sent/", accounts.PasswordResetSent.as_view(), name="password_reset_done"),
    path("account/reset/<uidb64>/<token>/", accounts.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("account/reset/done/", accounts.PasswordResetComplete.as_view(), name="password_reset_complete"),
    *[path(f"preview/<str:token>/{suffix}", view, name=f"preview_{name}") for suffix, view, name in STORY_PAGES],
    *[path(f"<slug:slug>/{suffix}", view, name=name) for suffix, view, name in STORY_PAGES],
]
