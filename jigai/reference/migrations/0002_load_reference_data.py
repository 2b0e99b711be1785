from django.db import migrations


def load(apps, schema_editor):
    from jigai.reference.data import DISTRICTS, INDUSTRIAL_SECTIONS, MANUFACTURING_DIVISIONS, SECTIONS

    District = apps.get_model("reference", "District")
    Industry = apps.get_model("reference", "Industry")
    for order, (code, name, name_en) in enumerate(DISTRICTS):
        District.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
    for code, name in SECTIONS:
        Industry.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": "section",
                "parent": None,
                "is_industrial": code in INDUSTRIAL_SECTIONS,
            },
        )
    section_c = Industry.objects.get(code="C")
    for code, name in MANUFACTURING_DIVISIONS:
        Industry.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": "division", "parent": section_c, "is_industrial": True},
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial_reference")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
