import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_person_feeds(apps, schema_editor):
    # A feed per person showed every login's participations of that person; the feeds are
    # made again per login on the next visit to "Mina aktiviteter" (a new secret URL).
    apps.get_model("activities", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0003_self_report_token_void_self_signed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_person_feeds, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="person"),
        migrations.AddField(
            model_name="calendarfeed",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calendar_feed",
                to=settings.AUTH_USER_MODEL,
            ),
            preserve_default=False,
        ),
    ]
