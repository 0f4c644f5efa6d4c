import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .models import Row


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    body = json.loads(request.body)
    row = Row.objects.create(body=json.dumps(body, ensure_ascii=False))
    return JsonResponse({"id": row.pk}, status=201)


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")
