"""The whole GB/T 4754-2017 classification from ``jigai/reference/data/gbt4754_2017.csv`` (every
section and division, with English names), and the districts' standard English names."""

from django.db import migrations


def load(apps, schema_editor):
    from jigai.reference.data import DISTRICT_NAMES_EN, INDUSTRIAL_SECTIONS, industry_rows

    District = apps.get_model("reference", "District")
    Industry = apps.get_model("reference", "Industry")
    for code, name_en in DISTRICT_NAMES_EN.items():
        District.objects.filter(code=code).update(name_en=name_en)
    section_of: dict[str, str] = {}
    for row in industry_rows():  # each node comes after its parent
        section = row.code if row.level == "section" else section_of[row.parent]
        section_of[row.code] = section
        Industry.objects.update_or_create(
            code=row.code,
            defaults={
                "name": row.name,
                "name_en": row.name_en,
                "level": row.level,
                "parent_id": row.parent or None,
                "is_industrial": section in INDUSTRIAL_SECTIONS,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0004_industry_name_en")]
    # Reversing keeps the rows: enterprises and catalog items may refer to them.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
