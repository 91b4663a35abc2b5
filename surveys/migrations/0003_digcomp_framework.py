"""DigComp 2.2 as data: 5 areas, 21 competences, 8 proficiency levels in four bands.

Names follow the framework (Swedish wording ours); descriptions are our own one-liners.
The data is written here, not imported from app code, so the migration never changes.
"""

from django.db import migrations

AREAS = [
    (1, "Informations- och datakunskap", "Information and data literacy"),
    (2, "Kommunikation och samarbete", "Communication and collaboration"),
    (3, "Skapa digitalt innehåll", "Digital content creation"),
    (4, "Säkerhet", "Safety"),
    (5, "Problemlösning", "Problem solving"),
]

COMPETENCES = [
    ("1.1", "Söka och filtrera information och digitalt innehåll",
     "Browsing, searching and filtering data, information and digital content",
     "Hitta det du behöver på nätet och i system, och välja ut det som är relevant."),
    ("1.2", "Värdera information och digitalt innehåll",
     "Evaluating data, information and digital content",
     "Bedöma om en källa är trovärdig och om informationen stämmer."),
    ("1.3", "Hantera data, information och digitalt innehåll",
     "Managing data, information and digital content",
     "Spara, ordna och hitta tillbaka till filer och data på ett strukturerat sätt."),
    ("2.1", "Kommunicera med digital teknik",
     "Interacting through digital technologies",
     "Välja och använda e-post, chatt och videomöten för olika situationer."),
    ("2.2", "Dela med digital teknik",
     "Sharing through digital technologies",
     "Dela filer och information med rätt personer och ange varifrån den kommer."),
    ("2.3", "Delta i samhället med digital teknik",
     "Engaging in citizenship through digital technologies",
     "Använda e-tjänster och digitala kanaler för att ta del av och påverka samhället."),
    ("2.4", "Samarbeta med digital teknik",
     "Collaborating through digital technologies",
     "Arbeta tillsammans i delade dokument, kalendrar och digitala arbetsytor."),
    ("2.5", "Nätetikett",
     "Netiquette",
     "Veta hur man uppträder respektfullt och anpassar tonen i digitala sammanhang."),
    ("2.6", "Hantera digital identitet",
     "Managing digital identity",
     "Ta hand om sina konton och det intryck man ger på nätet."),
    ("3.1", "Skapa digitalt innehåll",
     "Developing digital content",
     "Göra dokument, presentationer, bilder eller filmer som fungerar för mottagaren."),
    ("3.2", "Bearbeta och sätta samman digitalt innehåll",
     "Integrating and re-elaborating digital content",
     "Ändra, förbättra och kombinera befintligt material till något nytt."),
    ("3.3", "Upphovsrätt och licenser",
     "Copyright and licences",
     "Veta vilket material du får använda och hur du anger källa och licens."),
    ("3.4", "Programmering",
     "Programming",
     "Ge en dator instruktioner, till exempel automatisera en uppgift eller skriva en formel."),
    ("4.1", "Skydda enheter",
     "Protecting devices",
     "Hålla dator och telefon uppdaterade och skyddade mot intrång och skadlig kod."),
    ("4.2", "Skydda personuppgifter och integritet",
     "Protecting personal data and privacy",
     "Hantera egna och andras personuppgifter varsamt och enligt reglerna."),
    ("4.3", "Skydda hälsa och välbefinnande",
     "Protecting health and well-being",
     "Undvika digital stress, dålig arbetsställning och skadliga beteenden på nätet."),
    ("4.4", "Skydda miljön",
     "Protecting the environment",
     "Känna till hur digital teknik påverkar miljön och välja mer hållbart."),
    ("5.1", "Lösa tekniska problem",
     "Solving technical problems",
     "Förstå vad som gått fel och prova rimliga lösningar när tekniken krånglar."),
    ("5.2", "Identifiera behov och tekniska lösningar",
     "Identifying needs and technological responses",
     "Se vilket digitalt verktyg som passar en uppgift och anpassa det efter behovet."),
    ("5.3", "Använda digital teknik kreativt",
     "Creatively using digital technologies",
     "Använda digitala verktyg för att förbättra arbetssätt och hitta nya lösningar."),
    ("5.4", "Identifiera luckor i den digitala kompetensen",
     "Identifying digital competence gaps",
     "Veta vad du behöver lära dig och hur du håller dina kunskaper aktuella."),
]

LEVELS = [
    (1, "foundation", "Jag klarar enkla uppgifter med hjälp av någon annan",
     "I can do simple tasks with help from someone"),
    (2, "foundation", "Jag klarar enkla uppgifter själv och får hjälp när det behövs",
     "I can do simple tasks on my own, with help when needed"),
    (3, "intermediate", "Jag klarar vanliga uppgifter på egen hand",
     "I can do routine tasks on my own"),
    (4, "intermediate", "Jag klarar olika uppgifter själv och väljer hur jag gör dem",
     "I can handle varied tasks on my own and choose how to do them"),
    (5, "advanced", "Jag kan vägleda andra i vanliga uppgifter",
     "I can guide others in common tasks"),
    (6, "advanced", "Jag anpassar arbetssätt till svåra situationer och hjälper andra",
     "I adapt ways of working to difficult situations and help others"),
    (7, "specialised", "Jag löser komplexa problem och utvecklar andras kunnande",
     "I solve complex problems and develop others' skills"),
    (8, "specialised", "Jag löser mycket komplexa problem och tar fram nya arbetssätt",
     "I solve very complex problems and create new ways of working"),
]


def load(apps, schema_editor):
    Area = apps.get_model("surveys", "DigCompArea")
    Competence = apps.get_model("surveys", "DigCompCompetence")
    Level = apps.get_model("surveys", "DigCompLevel")
    areas = {}
    for number, name_sv, name_en in AREAS:
        areas[number], _ = Area.objects.update_or_create(
            number=number, defaults={"name_sv": name_sv, "name_en": name_en}
        )
    for code, name_sv, name_en, description in COMPETENCES:
        Competence.objects.update_or_create(
            code=code,
            defaults={
                "area": areas[int(code.split(".")[0])],
                "name_sv": name_sv,
                "name_en": name_en,
                "description_sv": description,
            },
        )
    for level, band, label_sv, label_en in LEVELS:
        Level.objects.update_or_create(
            level=level, defaults={"band": band, "label_sv": label_sv, "label_en": label_en}
        )


def unload(apps, schema_editor):
    apps.get_model("surveys", "DigCompLevel").objects.all().delete()
    apps.get_model("surveys", "DigCompCompetence").objects.filter(questions__isnull=True).delete()
    apps.get_model("surveys", "DigCompArea").objects.filter(competences__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_questions_rounds_responses")]

    operations = [migrations.RunPython(load, unload)]
