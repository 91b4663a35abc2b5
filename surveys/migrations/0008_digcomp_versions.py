"""DigComp versions: the framework rows and every survey say which version they belong to.

Everything that exists was made with DigComp 2.2, so existing rows (and their ids) stay and
are marked 2.2; new surveys default to 3.0 (surveys.digcomp.LATEST). Numbers, codes and
levels are then unique per version instead of overall.
"""

from django.db import migrations, models

VERSIONS = [("2.2", "DigComp 2.2"), ("3.0", "DigComp 3.0")]


def _version(default=None):
    kwargs = {"default": default} if default else {}
    return models.CharField(
        choices=VERSIONS, max_length=3, verbose_name="DigComp-version", **kwargs
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_constraint_messages")]

    operations = [
        migrations.AlterModelOptions(
            name="digcomparea",
            options={
                "ordering": ["version", "number"],
                "verbose_name": "DigComp-område",
                "verbose_name_plural": "DigComp-områden",
            },
        ),
        migrations.AlterModelOptions(
            name="digcompcompetence",
            options={
                "ordering": ["version", "code"],
                "verbose_name": "DigComp-kompetens",
                "verbose_name_plural": "DigComp-kompetenser",
            },
        ),
        migrations.AlterModelOptions(
            name="digcomplevel",
            options={
                "ordering": ["version", "level"],
                "verbose_name": "DigComp-nivå",
                "verbose_name_plural": "DigComp-nivåer",
            },
        ),
        # Existing framework rows are 2.2's; the default is only for them.
        migrations.AddField(
            model_name="digcomparea", name="version", field=_version("2.2"), preserve_default=False
        ),
        migrations.AddField(
            model_name="digcompcompetence",
            name="version",
            field=_version("2.2"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="digcomplevel",
            name="version",
            field=_version("2.2"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="digcompcompetence",
            name="description_en",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="beskrivning (engelska)"
            ),
        ),
        # Existing surveys were made with 2.2; from here on a new survey gets 3.0.
        migrations.AddField(
            model_name="survey",
            name="digcomp_version",
            field=models.CharField(
                choices=VERSIONS, default="2.2", max_length=3, verbose_name="DigComp-version"
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="digcomp_version",
            field=models.CharField(
                choices=VERSIONS,
                default="3.0",
                help_text=(
                    "Ramverket som DigComp-frågorna, profilerna och förändringen bygger på. "
                    "Kan ändras tills enkäten har fått svar."
                ),
                max_length=3,
                verbose_name="DigComp-version",
            ),
        ),
        migrations.AlterField(
            model_name="digcomparea",
            name="number",
            field=models.PositiveSmallIntegerField(verbose_name="nummer"),
        ),
        migrations.AlterField(
            model_name="digcompcompetence",
            name="code",
            field=models.CharField(max_length=5, verbose_name="kod"),
        ),
        migrations.AlterField(
            model_name="digcomplevel",
            name="level",
            field=models.PositiveSmallIntegerField(verbose_name="nivå"),
        ),
        migrations.AlterField(
            model_name="digcomplevel",
            name="band",
            field=models.CharField(
                choices=[
                    ("foundation", "Grundläggande"),
                    ("intermediate", "Medel"),
                    ("advanced", "Avancerad"),
                    ("specialised", "Högt specialiserad"),
                    ("basic", "Grundnivå"),
                    ("highly_advanced", "Mycket avancerad nivå"),
                ],
                max_length=16,
                verbose_name="nivågrupp",
            ),
        ),
        migrations.AddConstraint(
            model_name="digcomparea",
            constraint=models.UniqueConstraint(
                fields=("version", "number"), name="uniq_digcomp_area"
            ),
        ),
        migrations.AddConstraint(
            model_name="digcompcompetence",
            constraint=models.UniqueConstraint(
                fields=("version", "code"), name="uniq_digcomp_competence"
            ),
        ),
        migrations.AddConstraint(
            model_name="digcomplevel",
            constraint=models.UniqueConstraint(
                fields=("version", "level"), name="uniq_digcomp_level"
            ),
        ),
    ]
