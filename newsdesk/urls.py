from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from newsdesk.health import healthz
from newsdesk.login import ThrottledLoginView

# A database lost outside a view still gets the 503 page (newsdesk/middleware.py).
handler500 = "newsdesk.middleware.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="article_list"), name="home"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
]
