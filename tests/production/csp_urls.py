"""Pages that use the request's CSP nonce or a policy of their own, for the header's tests."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.csp import csp_override

INLINE = engines["django"].from_string(
    '<!doctype html><title>x</title><script nonce="{{ csp_nonce }}">1</script>'
)


def inline_script(request):
    return HttpResponse(INLINE.render(request=request))


@csp_override({"default-src": ["'none'"], "img-src": ["'self'"]})
def own_policy(request):
    return HttpResponse("own")


@csp_override({})
def no_policy(request):
    return HttpResponse("none")


urlpatterns = [
    path("inline/", inline_script),
    path("own/", own_policy),
    path("none/", no_policy),
]
