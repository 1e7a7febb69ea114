"""Signing authors in and out of the studio."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from story_admin.exceptions import StoryError
from story_admin.permissions import is_author
from story_admin.services.users import sign_in

from .access import apply_errors


class SignInForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    password = forms.CharField(widget=forms.PasswordInput, label=gettext_lazy("Password"))


def signin(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(request=request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        except StoryError as error:
            apply_errors(form, error)
        else:
            if not is_author(user):
                form.add_error(None, _("The studio is for authors. Players read stories in the app."))
            else:
                login(request, user)
                target = request.GET.get("next", "")
                safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
                return redirect(target if safe and target else "studio:dashboard")
    return render(request, "studio/signin.html", {"form": form})


@require_POST
def signout(request):
    logout(request)
    messages.success(request, _("Signed out."))
    return redirect("studio:signin")
