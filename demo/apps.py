from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data: an app above all the others, which may use every one of them
    (and which none may use)."""

    name = "demo"
    label = "demo"
