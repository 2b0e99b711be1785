from django.db import migrations


def load(apps, schema_editor):
    from jigai.reference.data import MINING_DIVISIONS, UTILITY_DIVISIONS

    Industry = apps.get_model("reference", "Industry")
    for section_code, divisions in (("B", MINING_DIVISIONS), ("D", UTILITY_DIVISIONS)):
        section = Industry.objects.get(code=section_code)
        for code, name in divisions:
            Industry.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": "division", "parent": section, "is_industrial": True},
            )


def unload(apps, schema_editor):
    from jigai.reference.data import MINING_DIVISIONS, UTILITY_DIVISIONS

    Industry = apps.get_model("reference", "Industry")
    Industry.objects.filter(code__in=[c for c, _ in (*MINING_DIVISIONS, *UTILITY_DIVISIONS)]).delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_load_reference_data")]
    operations = [migrations.RunPython(load, unload)]
