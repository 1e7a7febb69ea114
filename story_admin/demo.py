"""The demo story, « Le Gardien du phare », created through the same services as any story."""

import secrets

from django_mongodb_backend import transaction

from .services.choices import create_choice
from .services.scenes import create_scene
from .services.stories import create_scenario, publish_scenario
from .services import state
from .models import EndingKind, Role, Scenario, User

DEMO_EMAIL = "demo@story.studio"
DEMO_TITLE = "Le Gardien du phare"

# (key, title, text, column, row, ending kind or "")
SCENES = [
    (
        "tempete",
        "La tempête",
        "Cette nuit, la mer cogne contre l'île comme un poing fermé. Vous êtes la gardienne du phare "
        "de Kerlann depuis trois hivers, et pour la première fois la lanterne s'est éteinte. "
        "En bas, dans la crique, une petite lueur clignote, obstinée.",
        0,
        1,
        "",
    ),
    (
        "escalier",
        "L'escalier en colimaçon",
        "Cent cinquante-trois marches. Vous les connaissez par cœur, mais ce soir elles semblent "
        "plus nombreuses. À mi-hauteur, derrière la porte de la chambre de veille, quelqu'un fredonne "
        "une vieille chanson de marins.",
        1,
        0,
        "",
    ),
    (
        "crique",
        "La crique",
        "Le vent vous plaque contre les rochers. Une barque s'est échouée sur les galets, et à côté, "
        "une jeune fille en ciré jaune tient une lampe tempête. Elle ne semble pas avoir froid.",
        1,
        2,
        "",
    ),
    (
        "veille",
        "La chambre de veille",
        "La pièce est vide. Sur la table, le registre des gardiens est ouvert à l'année 1911. "
        "L'écriture de la dernière ligne ressemble étrangement à la vôtre. Sous la table, un bidon d'huile "
        "à moitié plein.",
        2,
        0,
        "",
    ),
    (
        "lanterne",
        "La lanterne",
        "Là-haut, la grande lentille est fendue. Au large, les feux d'un cargo avancent droit vers "
        "les récifs de la Vieille. Il vous reste quelques minutes, pas davantage.",
        2,
        1,
        "",
    ),
    (
        "barque",
        "La barque",
        "Vous tirez la barque hors de l'eau. Sous une toile cirée, emmaillotée comme un nouveau-né, "
        "repose une lentille de Fresnel intacte : celle que l'on disait perdue depuis un siècle. Une petite "
        "clé de laiton est nouée à la toile.",
        2,
        2,
        "",
    ),
    (
        "maelle",
        "Maëlle",
        "« Je m'appelle Maëlle, dit la jeune fille. Mon père gardait ce phare. Il n'est jamais revenu "
        "de la grotte. » Elle montre une fente noire dans la falaise, d'où monte une lumière verte.",
        2,
        3,
        "",
    ),
    (
        "page",
        "La dernière page",
        "« Nuit du 14 novembre. La lanterne s'est éteinte. Je suis descendue à la crique… » "
        "Le registre raconte votre nuit, heure par heure. La page suivante est blanche.",
        3,
        0,
        "",
    ),
    (
        "secours",
        "Le feu de secours",
        "Vous allumez la vieille lampe à pétrole et la faites tourner à bout de bras. Le cargo vire, "
        "lentement, et s'éloigne dans la nuit. Personne ne saura jamais que vous étiez là.",
        3,
        1,
        EndingKind.NEUTRAL,
    ),
    (
        "recifs",
        "Les récifs",
        "Vous agitez la lampe tempête, mais le cargo prend votre signal pour celui du port. "
        "Le fracas de la coque sur la Vieille couvre un instant le bruit de la tempête.",
        3,
        2,
        EndingKind.TRAGIC,
    ),
    (
        "feu",
        "Le feu retrouvé",
        "La lentille retrouvée s'emboîte comme si elle n'était jamais partie. Le faisceau balaie la mer, "
        "plus clair qu'il ne l'a jamais été. Au matin, on dira que le phare de Kerlann a vu loin cette nuit.",
        4,
        1,
        EndingKind.HAPPY,
    ),
    (
        "grotte",
        "La grotte",
        "Vous suivez Maëlle dans la lumière verte. Quand vous ressortez, la tempête est tombée, "
        "le phare brille… et le registre, sur la table, porte la date de 1911.",
        3,
        3,
        EndingKind.SECRET,
    ),
]

# The story's state: the oil of the keeper's lamp, a hidden dice test at the lantern, the brass key.
VARIABLES = [
    {
        "name": "huile",
        "kind": "number",
        "initial": 0,
        "minimum": 0,
        "maximum": 2,
        "description": "L'huile de la lampe à pétrole.",
    },
    {
        "name": "chance",
        "kind": "number",
        "initial": 0,
        "visible": False,
        "description": "Le jet de dés (2d6) quand vous arrivez à la lanterne : 8 ou plus, le cargo vous voit.",
    },
]
ITEMS = [{"name": "clé de laiton", "description": "Nouée à la toile de la barque ; elle ouvre la grille de la grotte."}]
SCENE_EFFECTS = {"veille": "huile += 1", "barque": 'gain "clé de laiton"', "lanterne": "chance = 2d6"}

# (from, to, label, condition, reason shown while it is locked; empty: hidden)
CHOICES = [
    ("tempete", "escalier", "Monter réparer la lanterne", "", ""),
    ("tempete", "crique", "Descendre vers la lueur de la crique", "", ""),
    ("escalier", "veille", "Pousser la porte de la chambre de veille", "", ""),
    ("escalier", "lanterne", "Continuer jusqu'à la lanterne", "", ""),
    ("crique", "barque", "Aider à tirer la barque", "", ""),
    ("crique", "maelle", "Demander à la jeune fille qui elle est", "", ""),
    ("veille", "page", "Lire la dernière page", "", ""),
    ("veille", "lanterne", "Refermer le registre et monter", "", ""),
    ("page", "escalier", "Refermer le registre et redescendre", "", ""),
    ("page", "lanterne", "Courir à la lanterne avant qu'il ne soit trop tard", "", ""),
    (
        "lanterne",
        "secours",
        "Allumer le feu de secours à la main",
        "huile >= 1",
        "La lampe à pétrole est vide : il faudrait de l'huile.",
    ),
    ("lanterne", "recifs", "Faire des signaux avec la lampe tempête", "chance < 8", ""),
    ("lanterne", "secours", "Faire des signaux avec la lampe tempête", "chance >= 8", ""),
    ("barque", "feu", "Remonter la lentille jusqu'au phare", "", ""),
    ("barque", "crique", "Reposer la toile et retourner sur la grève", "", ""),
    (
        "maelle",
        "grotte",
        "La suivre dans la grotte",
        'has("clé de laiton")',
        "La grille de la grotte est fermée à clé.",
    ),
    ("maelle", "lanterne", "La ramener à l'abri du phare", "", ""),
]

COLUMN_WIDTH, ROW_HEIGHT = 280.0, 170.0


def ensure_demo() -> tuple[Scenario, str | None]:
    """Create the demo author and story if missing. Returns the story and, when just created, the password."""
    password = None
    author = User.objects.filter(email=DEMO_EMAIL).first()
    if author is None:
        password = secrets.token_urlsafe(9)
        author = User.objects.create_user(DEMO_EMAIL, password, role=Role.AUTHOR, first_name="Demo", last_name="Author")
    story = Scenario.objects.filter(author=author, title=DEMO_TITLE).first()
    if story is None:
        story = _create_story(author)
    return story, password


@transaction.atomic
def _create_story(author: User) -> Scenario:
    story = create_scenario(
        author=author,
        title=DEMO_TITLE,
        language="fr",
        tags=["démo", "mystère"],
        description="Une nuit de tempête, la lanterne du phare s'éteint. Douze scènes, quatre fins, "
        "une lampe à remplir, une clé à trouver et un coup de dés.",
    )
    for variable in VARIABLES:
        state.declare_variable(editor=author, scenario=story, **variable)
    for item in ITEMS:
        state.declare_item(editor=author, scenario=story, **item)
    scenes = {}
    for order, (key, title, text, column, row, ending) in enumerate(SCENES):
        scenes[key] = create_scene(
            editor=author,
            scenario=story,
            title=title,
            text=text,
            order=order,
            is_start_scene=order == 0,
            is_end_scene=bool(ending),
            ending_kind=ending,
            position_x=column * COLUMN_WIDTH,
            position_y=row * ROW_HEIGHT,
            effects_text=SCENE_EFFECTS.get(key, ""),
        )
    for origin, target, label, condition, locked_reason in CHOICES:
        create_choice(
            editor=author,
            from_scene=scenes[origin],
            to_scene=scenes[target],
            text=label,
            condition_text=condition,
            locked_reason=locked_reason,
        )
    return publish_scenario(editor=author, scenario=story)
