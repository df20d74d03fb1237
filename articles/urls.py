from django.urls import path

from articles import views

urlpatterns = [
    path("articles/", views.article_list, name="article_list"),
    path("articles/<int:article_id>/", views.read_article, name="read_article"),
    path("kinds.css", views.kinds_css, name="kinds_css"),
]
