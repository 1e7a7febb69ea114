"""Players' accounts: sign up, sign in (keeping what they played as a guest), sign out, password reset,
their stories, and deleting the account with its data."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from story_admin import selectors
from story_admin.exceptions import StoryError
from story_admin.services import users

from .. import guests


class SignInForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignUpForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    first_name = forms.CharField(label=gettext_lazy("First name (optional)"), required=False, max_length=150)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


def _apply(form, error: StoryError) -> None:
    for field, errors in error.field_errors.items():
        form.add_error(field if field in form.fields else None, errors)
    if not error.field_errors:
        form.add_error(None, error.message)


def signin(request):
    form = SignInForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = users.sign_in(
                request=request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except StoryError as error:
            form.add_error(None, error.message)
        else:
            played = guests.take_documents(request)  # before login(), which may start a new session
            login(request, user)
            guests.keep_for_player(user, played)
            messages.success(request, _("Signed in. Your progress is kept in your account."))
            return redirect(_next(request, reverse("reader:my_stories")))
    return render(request, "reader/signin.html", {"form": form, "next": _next(request, "")})


def signup(request):
    """Answers the same whether or not the e-mail already has an account (as the API's createUser): sign in next."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            users.register_user(
                creator=None,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
            )
        except users.EmailTaken:
            pass  # told apart from a new account by nothing: the owner signs in with their own password
        except StoryError as error:
            _apply(form, error)
            return render(request, "reader/signup.html", {"form": form, "next": _next(request, "")})
        messages.success(
            request,
            _(
                "Signed up: sign in with this e-mail and your password. If the e-mail already "
                "had an account, that account is unchanged and keeps its own password."
            ),
        )
        query = {"email": form.cleaned_data["email"]}
        if next_url := _next(request, ""):
            query["next"] = next_url
        return redirect(f"{reverse('reader:signin')}?{urlencode(query)}")
    return render(request, "reader/signup.html", {"form": form, "next": _next(request, "")})


@require_POST
def signout(request):
    logout(request)
    messages.success(request, _("Signed out."))
    return redirect("reader:library")


def my_stories(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('reader:signin')}?next={reverse('reader:my_stories')}")
    return render(request, "reader/my_stories.html", {"played": selectors.stories_played(request.user)})


def delete_account(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('reader:signin')}?next={reverse('reader:delete_account')}")
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            users.delete_own_account(user=request.user, password=form.cleaned_data["password"])
        except StoryError as error:
            _apply(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account and everything you played are deleted."))
            return redirect("reader:library")
    return render(request, "reader/delete_account.html", {"form": form})


class PasswordReset(auth_views.PasswordResetView):
    template_name = "reader/password_reset.html"
    email_template_name = "reader/email/password_reset.txt"
    subject_template_name = "reader/email/password_reset_subject.txt"
    success_url = reverse_lazy("reader:password_reset_done")


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "reader/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "reader/password_reset_confirm.html"
    success_url = reverse_lazy("reader:password_reset_complete")


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "reader/password_reset_complete.html"
