from django.urls import path

from articles.views import overview, reading, tag_list

urlpatterns = [
    path("articles/", reading.article_list, name="article_list"),
    path("articles/<int:article_id>/", reading.read_article, name="read_article"),
    path("tags/", tag_list.tag_list, name="tag_list"),
    path("overview/", overview.overview, name="overview"),
    path("kinds.css", reading.kinds_css, name="kinds_css"),
]
