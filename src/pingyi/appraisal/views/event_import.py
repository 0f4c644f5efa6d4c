"""The office imports an event from its event.json (or a bundle .zip) in the browser."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rules.contrib.views import permission_required

from pingyi.appraisal import errors, services
from pingyi.appraisal.method.bundle import EVENT_JSON_MAX_BYTES, BundleError, read_event_json

MAX_BYTES = EVENT_JSON_MAX_BYTES


class EventImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("event.json, or a .zip holding it"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip,application/json"}),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the rules of a draft event with the same key"), required=False
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return read_event_json(upload.file, name=upload.name or "event.json")
        except BundleError as exc:
            raise forms.ValidationError(str(exc)) from exc


@login_required
@permission_required("appraisal.run_meeting", raise_exception=True)
def event_import(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        form = EventImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                event = services.event_import(
                    data=form.cleaned_data["file"], replace=form.cleaned_data["replace"]
                )
            except errors.AppraisalError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("Imported “%(name)s” (%(key)s).") % {"name": event.name, "key": event.key},
                )
                return redirect("meeting:console", key=event.key)
    else:
        form = EventImportForm()
    return render(request, "appraisal/meeting/import.html", {"form": form, "error": error})
