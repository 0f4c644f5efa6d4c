from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pingyi.orgs.models import Unit
from pingyi.orgs.names import split_aliases

XLSX_MAGIC = b"PK\x03\x04"


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": (
                    ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                )
            }
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.PINGYI_UNIT_IMPORT_MAX_BYTES
        if upload.size and upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(size)s; a unit list is far smaller.")
                % {"size": filesizeformat(limit)}
            )
        head = upload.read(4)
        upload.seek(0)
        if head != XLSX_MAGIC:
            raise ValidationError(_("This is not an .xlsx workbook (save it as .xlsx and retry)."))
        return upload


class AliasesField(forms.CharField):
    """A unit's aliases as one text: several separated by 、，,;；/ or new lines."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value)
        return value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        """The text checked as text (its length), then split into aliases."""
        return split_aliases(super().clean(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        return split_aliases(initial or []) != split_aliases(self.to_python(data))


class UnitForm(forms.ModelForm):
    """A unit's editable fields for the office (its code is its key and stays); the admin uses
    it too. ``Unit.clean`` normalises the aliases and refuses one that names another unit."""

    aliases = AliasesField(
        label=_("Aliases"),
        required=False,
        max_length=4000,
        help_text=_(
            "Other names offices write for this unit, e.g. 市发改委 for 市发展改革委. "
            "Separate them with 、 or new lines."
        ),
    )

    class Meta:
        model = Unit
        fields = ("name", "short_name", "aliases", "kind", "order", "active")
