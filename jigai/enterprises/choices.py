from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    PENDING = "pending", _("待区确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过确认")


class SpecialisedStatus(models.TextChoices):
    """专精特新: specialised, refined, distinctive and innovative SMEs, recognised by the city
    (市级) or by the Ministry of Industry and Information Technology as a "little giant" (小巨人)."""

    NONE = "none", _("无")
    MUNICIPAL = "municipal", _("市级专精特新")
    NATIONAL_LITTLE_GIANT = "national_giant", _("国家级专精特新“小巨人”")
