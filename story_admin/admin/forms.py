"""Admin forms that ask the domain before they accept a document, and show its refusals next to their fields."""

from django import forms
from django.core.exceptions import ValidationError

from .. import selectors
from ..exceptions import StoryError
from ..services.state import state_changes
from ..state.schema import SceneNames


def add_story_error(form, error: StoryError) -> None:
    """Show a domain refusal next to the fields it names (or at the top of the form), each message with the
    refusal's code (`ErrorCode`). The one place where the admin turns a domain error into form errors."""
    field_errors = {name: messages_ for name, messages_ in error.field_errors.items() if name in form.fields}
    if field_errors:
        for name, messages_ in field_errors.items():
            form.add_error(name, [ValidationError(message, code=error.code) for message in messages_])
    else:
        form.add_error(None, ValidationError(error.message, code=error.code))


class ServiceCheckedForm(forms.ModelForm):
    """A model form that asks the domain's `check` function before it accepts the instance."""

    domain_check = None

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.domain_check is None:
            return
        try:
            self.domain_check(self.instance)
        except StoryError as error:
            add_story_error(self, error)


class StateTextForm(ServiceCheckedForm):
    """Conditions and effects as authors write them (`gold >= 10 and has("lantern")`, `stamina -= 2`): shown
    in that form and parsed, checked against the story's variables, by the studio's and the API's service."""

    STATE_TEXT = {"condition_text": "condition", "effects_text": "effects"}
    state_text_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed_state = {}
        scenario = self._scenario()
        if scenario is None:
            return
        names = SceneNames(selectors.load_story(scenario))
        for name in self.state_text_fields:
            stored = getattr(self.instance, self.STATE_TEXT[name])
            readable = names.condition(stored or {}) if name == "condition_text" else names.effects(stored or [])
            # A stored document outside the language (old data) is kept unless the author types a new one.
            self.fields[name].initial = readable if readable is not None else ""
            if readable is None:
                self.fields[
                    name
                ].help_text = "The stored form is not in the condition language; type one to replace it."

    def _scenario(self):
        if self.instance.pk:
            return self.instance.scenario
        return None

    def clean(self):
        cleaned = super().clean()
        scenario = self._scenario() or self._new_scenario(cleaned)
        changed = {name: cleaned.get(name, "") for name in self.state_text_fields if name in self.changed_data}
        if scenario is not None and changed:
            try:
                self.parsed_state = {
                    key: value
                    for key, value in state_changes(scenario, changed).items()
                    if key in ("condition", "effects")
                }
            except StoryError as error:
                add_story_error(self, error)
        return cleaned

    def _new_scenario(self, cleaned):
        return None
