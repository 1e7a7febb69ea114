"""The languages narration speaks (gTTS, and espeak-ng for the same codes), each named in its own language."""

NARRATION_LANGUAGES = (
    ("ar", "العربية"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("hi", "हिन्दी"),
    ("hu", "Magyar"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("nl", "Nederlands"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("zh", "中文"),
)


def language_choices(current: str = "") -> list[tuple[str, str]]:
    """The select's options; a story's stored language that narration does not know is kept as an option."""
    choices = list(NARRATION_LANGUAGES)
    if current and current not in dict(choices):
        choices.insert(0, (current, f"{current} (as stored; narration may not speak it)"))
    return choices
