from django.urls import path

from articles.views import imports, reading

urlpatterns = [
    path("articles/", reading.article_list, name="article_list"),
    path("articles/<int:article_id>/", reading.read_article, name="read_article"),
    path("kinds.css", reading.kinds_css, name="kinds_css"),
    path("imports/", imports.import_files, name="import_files"),
    path("imports/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("imports/<int:batch_id>/process/", imports.process_batch, name="process_batch"),
    path("imports/items/<int:item_id>/encoding/", imports.pick_encoding, name="pick_encoding"),
    path("articles/<int:article_id>/raw/", imports.raw_article, name="raw_article"),
]
