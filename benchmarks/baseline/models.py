from django.db import models


class Row(models.Model):
    body = models.TextField()
