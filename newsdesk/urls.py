from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

from articles.api.main import urls as api_urls
from newsdesk.health import healthz
from newsdesk.login import admin_login, site_login

# A database lost outside a view still gets the 503 page (newsdesk/middleware.py).
handler500 = "newsdesk.middleware.server_error"


@require_GET
@login_not_required
def favicon(_request: HttpRequest) -> HttpResponse:
    """Pages without our <link rel="icon"> (the admin's) make browsers ask for this."""
    return redirect(static("favicon.svg"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="article_list"), name="home"),
    path("login/", site_login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Ahead of the admin's own URLs: the same login, one attempt at a time per name and address.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/", api_urls()),
    path("", include("articles.urls")),
]
