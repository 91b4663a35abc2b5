from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data. Like urls.py it sits above the apps and may use all of them."""

    name = "digiproj.demo"
    label = "demo"
