from django.urls import path

from articles.views import reading, tagging

urlpatterns = [
    path("articles/", reading.article_list, name="article_list"),
    path("articles/<int:article_id>/", reading.read_article, name="read_article"),
    path("kinds.css", reading.kinds_css, name="kinds_css"),
    # Tagging (issue 4)
    path("articles/<int:article_id>/tags/", tagging.tag_passage, name="tag_passage"),
    path("articles/<int:article_id>/tags/panel/", tagging.tag_panel, name="tag_panel"),
    path("tags/<int:tag_id>/", tagging.update_tag, name="update_tag"),
    path("tags/<int:tag_id>/edit/", tagging.edit_tag, name="edit_tag"),
    path("tags/<int:tag_id>/delete/", tagging.delete_tag, name="delete_tag"),
    path("tags/<int:tag_id>/restore/", tagging.restore_tag, name="restore_tag"),
    path("tags/<int:tag_id>/history/", tagging.tag_history, name="tag_history"),
]
