from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

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
