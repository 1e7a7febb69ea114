"""`manage.py seed_demo`: create the demo author and story once; print the login when created."""

from django.core.management.base import BaseCommand

from story_admin.demo import DEMO_EMAIL, ensure_demo


class Command(BaseCommand):
    help = "Create the demo author account and the demo story if they do not exist."

    def handle(self, *args, **options):
        story, password = ensure_demo()
        if password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo author created. Sign in at http://127.0.0.1:8000/admin/ with\n"
                    f"    email:    {DEMO_EMAIL}\n    password: {password}\n"
                    f"(shown once; change it with `python manage.py changepassword {DEMO_EMAIL}`)"
                )
            )
        else:
            self.stdout.write(f"Demo story “{story.title}” is ready (author: {DEMO_EMAIL}).")
