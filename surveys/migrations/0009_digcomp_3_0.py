"""DigComp 3.0 as data (JRC, November 2025), beside 2.2: 5 areas, 21 competences and the
eight sub-levels of its four main levels (basic, intermediate, advanced, highly advanced).

The structure is 2.2's (same area numbers and competence codes); 3.0 renamed areas and
competences and rewrote the levels. English names follow 3.0's wording as published (the
JRC's DigComp 3.0 page, the ikanos.eus DigComp 3.0 edition, digital-literacy.org's table);
the Swedish names, the one-line descriptions and the level texts are our own words. Written
here, not imported from app code, so the migration never changes. 2.2's rows are untouched.
"""

from django.db import migrations

VERSION = "3.0"

AREAS = [
    (1, "Söka, värdera och hantera information", "Information search, evaluation and management"),
    (2, "Kommunikation och samarbete", "Communication and collaboration"),
    (3, "Skapa innehåll", "Content creation"),
    (4, "Säkerhet, välbefinnande och ansvarsfull användning",
     "Safety, wellbeing and responsible use"),
    (5, "Identifiera och lösa problem", "Problem identification and solving"),
]

# (code, Swedish name, English name, Swedish description, English description)
COMPETENCES = [
    ("1.1", "Söka och filtrera information", "Browsing, searching and filtering information",
     "Formulera vad du behöver veta, söka där det finns, också med AI-tjänster, och sålla.",
     "Put your need into words, search where the answer is, AI services too, and sift."),
    ("1.2", "Värdera information", "Evaluating information",
     "Pröva om en källa går att lita på och känna igen vilseledande och falsk information.",
     "Judge whether a source can be trusted and recognise misleading or false information."),
    ("1.3", "Hantera information och data", "Managing information and data",
     "Spara, ordna och tolka filer och data så att du och andra hittar och kan använda dem.",
     "Store, organise and read files and data so that you and others can find and use them."),
    ("2.1", "Interagera med digital teknik", "Interacting through digital technologies",
     "Välja rätt kanal, som e-post, chatt eller videomöte, för den du vill nå.",
     "Choose the right channel, such as e-mail, chat or a video meeting, for whom you reach."),
    ("2.2", "Dela med digital teknik", "Sharing through digital technologies",
     "Dela filer och information med rätt personer och tala om varifrån de kommer.",
     "Share files and information with the right people and say where they come from."),
    ("2.3", "Delta i samhället med digital teknik",
     "Engaging in citizenship through digital technologies",
     "Använda e-tjänster och känna till dina digitala rättigheter som medborgare.",
     "Use public e-services and know your digital rights as a citizen."),
    ("2.4", "Samarbeta med digital teknik", "Collaborating through digital technologies",
     "Arbeta tillsammans i delade dokument, kalendrar och digitala arbetsytor.",
     "Work together in shared documents, calendars and digital workspaces."),
    ("2.5", "Nätetikett", "Netiquette",
     "Uppträda respektfullt på nätet och anpassa tonen efter mottagare och sammanhang.",
     "Behave respectfully online and suit your tone to the audience and the setting."),
    ("2.6", "Hantera digital identitet", "Managing digital identity",
     "Sköta dina konton och spåren du lämnar, och det intryck du ger på nätet.",
     "Look after your accounts, the traces you leave and the impression you give online."),
    ("3.1", "Skapa digitalt innehåll", "Developing digital content",
     "Göra texter, presentationer, bilder eller filmer, också med AI-verktyg, som når fram.",
     "Make texts, slides, images or videos, with AI tools too, that work for the reader."),
    ("3.2", "Bearbeta och sätta samman innehåll",
     "Integrating and re-elaborating digital content",
     "Förbättra och kombinera befintligt material till något nytt.",
     "Improve and combine existing material into something new."),
    ("3.3", "Upphovsrätt och licenser", "Copyright and licences",
     "Veta vad du får använda, även AI-skapat material, och hur du anger källa och licens.",
     "Know what you may use, AI-made material too, and how to credit source and licence."),
    ("3.4", "Programmering", "Programming",
     "Ge en dator instruktioner, till exempel automatisera en uppgift eller skriva en formel.",
     "Give a computer instructions, for example automate a task or write a formula."),
    ("4.1", "Skydda enheter", "Protecting devices",
     "Hålla dator och telefon uppdaterade och skyddade mot intrång och bedrägerier.",
     "Keep computer and phone updated and protected against intrusion and fraud."),
    ("4.2", "Skydda personuppgifter och integritet", "Protecting personal data and privacy",
     "Hantera egna och andras personuppgifter varsamt, också i AI-tjänster.",
     "Handle your own and others' personal data with care, in AI services too."),
    ("4.3", "Skydda hälsa och välbefinnande", "Protecting health and wellbeing",
     "Hitta en sund balans i det digitala och skydda dig och andra mot skadligt beteende.",
     "Keep a healthy digital balance and protect yourself and others from harmful behaviour."),
    ("4.4", "Skydda miljön", "Protecting the environment",
     "Känna till hur digital teknik påverkar miljön och välja mer hållbart.",
     "Know how digital technology affects the environment and choose more sustainably."),
    ("5.1", "Lösa tekniska problem", "Solving technical problems",
     "Förstå vad som gått fel och prova rimliga lösningar när tekniken krånglar.",
     "Understand what went wrong and try sensible fixes when technology fails."),
    ("5.2", "Identifiera behov och tekniska lösningar",
     "Identifying needs and technological responses",
     "Se vilket digitalt verktyg, också AI, som passar en uppgift och anpassa det.",
     "See which digital tool, AI included, suits a task and adapt it to the need."),
    ("5.3", "Använda digital teknik kreativt", "Creatively using digital technologies",
     "Använda digitala verktyg för att förbättra arbetssätt och hitta nya lösningar.",
     "Use digital tools to improve ways of working and find new solutions."),
    ("5.4", "Identifiera luckor i den digitala kompetensen",
     "Identifying digital competence gaps",
     "Veta vad du behöver lära dig och hur du håller dina kunskaper aktuella.",
     "Know what you need to learn and how to keep your skills up to date."),
]

# The eight sub-levels, two per main level. The Swedish main-level names are the ones
# surveys.digcomp.MAIN_LEVEL_NAMES uses on result pages.
LEVELS = [
    (1, "basic", "Grundnivå 1: Jag klarar enkla uppgifter med stöd av någon annan",
     "Basic 1: I can do simple tasks with support from someone"),
    (2, "basic", "Grundnivå 2: Jag klarar enkla uppgifter själv och ber om hjälp vid behov",
     "Basic 2: I can do simple tasks on my own and ask for help when needed"),
    (3, "intermediate", "Mellannivå 3: Jag klarar vanliga uppgifter på egen hand",
     "Intermediate 3: I can do routine tasks on my own"),
    (4, "intermediate", "Mellannivå 4: Jag väljer själv hur jag löser olika uppgifter",
     "Intermediate 4: I choose on my own how to solve varied tasks"),
    (5, "advanced", "Avancerad nivå 5: Jag klarar nya uppgifter och hjälper andra",
     "Advanced 5: I handle new tasks and help others"),
    (6, "advanced", "Avancerad nivå 6: Jag anpassar arbetssätt till svåra situationer",
     "Advanced 6: I adapt ways of working to difficult situations"),
    (7, "highly_advanced",
     "Mycket avancerad nivå 7: Jag löser komplexa problem och leder andra",
     "Highly advanced 7: I solve complex problems and lead others"),
    (8, "highly_advanced",
     "Mycket avancerad nivå 8: Jag utvecklar nya lösningar och arbetssätt för andra",
     "Highly advanced 8: I develop new solutions and ways of working for others"),
]


def load(apps, schema_editor):
    Area = apps.get_model("surveys", "DigCompArea")
    Competence = apps.get_model("surveys", "DigCompCompetence")
    Level = apps.get_model("surveys", "DigCompLevel")
    areas = {}
    for number, name_sv, name_en in AREAS:
        areas[number], _ = Area.objects.update_or_create(
            version=VERSION, number=number, defaults={"name_sv": name_sv, "name_en": name_en}
        )
    for code, name_sv, name_en, description_sv, description_en in COMPETENCES:
        Competence.objects.update_or_create(
            version=VERSION,
            code=code,
            defaults={
                "area": areas[int(code.split(".")[0])],
                "name_sv": name_sv,
                "name_en": name_en,
                "description_sv": description_sv,
                "description_en": description_en,
            },
        )
    for level, band, label_sv, label_en in LEVELS:
        Level.objects.update_or_create(
            version=VERSION,
            level=level,
            defaults={"band": band, "label_sv": label_sv, "label_en": label_en},
        )


def unload(apps, schema_editor):
    apps.get_model("surveys", "DigCompLevel").objects.filter(version=VERSION).delete()
    apps.get_model("surveys", "DigCompCompetence").objects.filter(
        version=VERSION, questions__isnull=True
    ).delete()
    apps.get_model("surveys", "DigCompArea").objects.filter(
        version=VERSION, competences__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_digcomp_versions")]

    operations = [migrations.RunPython(load, unload)]
