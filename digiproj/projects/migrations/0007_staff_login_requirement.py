from django.db import migrations, models


def mfa_to_requirement(apps, schema_editor):
    # A project that required MFA of its coordinators keeps requiring it (now of its contacts too).
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(mfa_required=True).update(staff_login_requirement="mfa")


def requirement_to_mfa(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Project.objects.exclude(staff_login_requirement="none").update(mfa_required=True)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_contact_for_several_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="staff_login_requirement",
            field=models.CharField(
                choices=[
                    ("none", "Lösenord räcker"),
                    ("mfa", "Tvåstegsverifiering eller kommunens inloggning"),
                    ("sso", "Kommunens inloggning (SSO)"),
                ],
                default="none",
                help_text=(
                    "Tvåstegsverifiering: lösenord och en kod från en app, eller kommunens "
                    "inloggning. Kommunens inloggning: bara inloggning via kommunens "
                    "identitetstjänst."
                ),
                max_length=4,
                verbose_name="inloggningskrav för samordnare och kontaktpersoner",
            ),
        ),
        migrations.RunPython(mfa_to_requirement, requirement_to_mfa),
        migrations.RemoveField(model_name="project", name="mfa_required"),
    ]
