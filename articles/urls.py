from django.urls import path

from articles.views import exports, imports, reading, review

urlpatterns = [
    path("articles/", reading.article_list, name="article_list"),
    path("articles/<int:article_id>/", reading.read_article, name="read_article"),
    path("kinds.css", reading.kinds_css, name="kinds_css"),
    path("imports/", imports.import_files, name="import_files"),
    path("imports/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("imports/<int:batch_id>/process/", imports.process_batch, name="process_batch"),
    path("imports/items/<int:item_id>/encoding/", imports.pick_encoding, name="pick_encoding"),
    path("articles/<int:article_id>/raw/", imports.raw_article, name="raw_article"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/tags/<int:tag_id>/", review.review_tag, name="review_tag"),
    path("export/", exports.export_page, name="export_page"),
    path("export/format/", exports.export_format_doc, name="export_format_doc"),
    path("export/download/", exports.download_tags, name="download_tags"),
    path("export/sets/", exports.save_set, name="save_tag_set"),
    path("export/sets/<int:set_id>/download/", exports.download_set, name="download_set"),
    path("export/sets/<int:set_id>/freeze/", exports.freeze_set, name="freeze_set"),
]
