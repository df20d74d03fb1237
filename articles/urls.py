from django.urls import path

from articles.views import reading

urlpatterns = [
    path("articles/", reading.article_list, name="article_list"),
    path("articles/<int:article_id>/", reading.read_article, name="read_article"),
    path("kinds.css", reading.kinds_css, name="kinds_css"),
]
