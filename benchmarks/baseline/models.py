from django.db import models


class Row(models.Model):
    body = models.TextField()

    def __str__(self) -> str:
        return f"row {self.pk}"
