from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from .csp import csp_report

admin.site.site_header = "Symptom Database administration"
admin.site.site_title = "Symptom Database"

handler400 = "symptomdb.responses.bad_request_handler"
handler403 = "symptomdb.responses.permission_denied"
handler404 = "symptomdb.responses.page_not_found"
handler500 = "symptomdb.responses.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("csp-report/", csp_report, name="csp_report"),
    path("authors/", include("authors.urls")),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
