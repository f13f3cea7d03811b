"""A page with an inline script marked with the request's CSP nonce, as the settings allow."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

INLINE = engines["django"].from_string(
    '<!doctype html><title>x</title><script nonce="{{ csp_nonce }}">1</script>'
)


def inline_script(request):
    return HttpResponse(INLINE.render(request=request))


urlpatterns = [
    path("inline/", inline_script),
]
