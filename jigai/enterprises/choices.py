from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    PENDING = "pending", _("待区确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过确认")
