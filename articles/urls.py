from django.urls import path

from articles.views import (
    claims,
    exports,
    imports,
    live_updates,
    overview,
    profile,
    reading,
    review,
    revisions,
    speakers,
    suggestions,
    tag_list,
    tagging,
    team,
    tokens,
    webhooks,
)

urlpatterns = [
    path("articles/", reading.article_list, name="article_list"),
    path("articles/<int:article_id>/", reading.read_article, name="read_article"),
    path("tags/", tag_list.tag_list, name="tag_list"),
    path("overview/", overview.overview, name="overview"),
    path("kinds.css", reading.kinds_css, name="kinds_css"),
    path("profile/", profile.edit_profile, name="edit_profile"),
    path("imports/", imports.import_files, name="import_files"),
    path("imports/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("imports/<int:batch_id>/progress/", imports.batch_progress, name="batch_progress"),
    path("imports/items/<int:item_id>/encoding/", imports.pick_encoding, name="pick_encoding"),
    path("imports/items/<int:item_id>/similar/", imports.decide_similar, name="decide_similar"),
    path("articles/<int:article_id>/raw/", imports.raw_article, name="raw_article"),
    path(
        "articles/<int:article_id>/revisions/<int:number>/file/",
        imports.revision_file,
        name="revision_file",
    ),
    path(
        "articles/<int:article_id>/raw/lines/<int:number>/correct/",
        imports.correct_line,
        name="correct_line",
    ),
    path(
        "articles/<int:article_id>/raw/lines/<int:number>/undo/",
        imports.undo_line,
        name="undo_line",
    ),
    path(
        "articles/<int:article_id>/raw/second-story/",
        imports.import_second_story,
        name="import_second_story",
    ),
    path("sources/<int:source_id>/rules/", imports.outlet_rules, name="outlet_rules"),
    path(
        "sources/rules/<int:rule_id>/delete/", imports.delete_outlet_rule, name="delete_outlet_rule"
    ),
    path("review/", review.review_queue, name="review_queue"),
    path("review/tags/<int:tag_id>/", review.review_tag, name="review_tag"),
    path("export/", exports.export_page, name="export_page"),
    path("export/format/", exports.export_format_doc, name="export_format_doc"),
    path("export/download/", exports.download_tags, name="download_tags"),
    path("export/sets/", exports.save_set, name="save_tag_set"),
    path("export/sets/<int:set_id>/download/", exports.download_set, name="download_set"),
    path("export/sets/<int:set_id>/freeze/", exports.freeze_set, name="freeze_set"),
    path("export/prepared/", exports.prepared_exports, name="prepared_exports"),
    path(
        "export/prepared/<int:export_id>/progress/",
        exports.prepared_export_progress,
        name="prepared_export_progress",
    ),
    path(
        "export/prepared/<int:export_id>/retry/",
        exports.retry_prepared_export,
        name="retry_prepared_export",
    ),
    path(
        "export/prepared/<int:export_id>/download/",
        exports.download_prepared_export,
        name="download_prepared_export",
    ),
    # Tagging
    path("articles/<int:article_id>/tags/", tagging.tag_passage, name="tag_passage"),
    path("articles/<int:article_id>/tags/panel/", tagging.tag_panel, name="tag_panel"),
    path(
        "articles/<int:article_id>/changes/", live_updates.article_changes, name="article_changes"
    ),
    path("tags/<int:tag_id>/", tagging.update_tag, name="update_tag"),
    path("tags/<int:tag_id>/edit/", tagging.edit_tag, name="edit_tag"),
    path("tags/<int:tag_id>/delete/", tagging.delete_tag, name="delete_tag"),
    path("tags/<int:tag_id>/restore/", tagging.restore_tag, name="restore_tag"),
    path("tags/<int:tag_id>/history/", tagging.tag_history, name="tag_history"),
    # Quote suggestions and speakers
    path(
        "suggestions/<int:suggestion_id>/accept/",
        suggestions.accept_suggestion,
        name="accept_suggestion",
    ),
    path(
        "suggestions/<int:suggestion_id>/dismiss/",
        suggestions.dismiss_suggestion,
        name="dismiss_suggestion",
    ),
    path("speakers/", speakers.speaker_list, name="speaker_list"),
    path("speakers/merge/", speakers.merge_speakers, name="merge_speakers"),
    path("speakers/unmerge/", speakers.unmerge_speaker, name="unmerge_speaker"),
    # A key is folded Arabic words; `path` so that even a "/" in a name still resolves.
    path("speakers/<path:key>/", speakers.speaker_detail, name="speaker_detail"),
    # Claims across outlets
    path("tags/<int:tag_id>/claim/", claims.claim_panel, name="claim_panel"),
    path("tags/<int:tag_id>/claim/link/", claims.link_claim, name="link_claim"),
    path("tags/<int:tag_id>/claim/unlink/", claims.unlink_claim, name="unlink_claim"),
    path("tags/<int:tag_id>/claim/status/", claims.claim_status, name="claim_status"),
    path("claims/", claims.claim_groups, name="claim_groups"),
    path("claims/<int:group_id>/", claims.claim_group, name="claim_group"),
    path(
        "claims/<int:group_id>/claimreview.jsonld",
        claims.claim_review_file,
        name="claim_review_file",
    ),
    path("claims/claimreview.jsonld", claims.claim_reviews_file, name="claim_reviews_file"),
    # Personal tokens for the REST API (/api/v1/, articles/api/)
    path("profile/tokens/", tokens.api_tokens, name="api_tokens"),
    path("profile/tokens/revoke/", tokens.revoke_api_token, name="revoke_api_token"),
    # Webhooks: signed event deliveries to URLs Admins register
    path("webhooks/", webhooks.webhook_list, name="webhook_list"),
    path("webhooks/<int:endpoint_id>/", webhooks.webhook_deliveries, name="webhook_deliveries"),
    path("webhooks/<int:endpoint_id>/toggle/", webhooks.toggle_webhook, name="toggle_webhook"),
    path(
        "webhooks/<int:endpoint_id>/rotate/",
        webhooks.rotate_webhook_secret,
        name="rotate_webhook_secret",
    ),
    path("webhooks/<int:endpoint_id>/delete/", webhooks.delete_webhook, name="delete_webhook"),
    path("claims/<int:group_id>/label/", claims.rename_claim_group, name="rename_claim_group"),
    # Versions of an article's text, and the tags a new version left without a place
    path("articles/<int:article_id>/correct/", revisions.correct_article, name="correct_article"),
    path(
        "articles/<int:article_id>/revisions/",
        revisions.article_revisions,
        name="article_revisions",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/text/",
        revisions.revision_text,
        name="revision_text",
    ),
    path("articles/<int:article_id>/orphans/", revisions.article_orphans, name="article_orphans"),
    path("orphans/", revisions.orphan_queue, name="orphan_queue"),
    path("tags/<int:tag_id>/replace/", revisions.replace_tag, name="replace_tag"),
    path("tags/<int:tag_id>/orphan/delete/", revisions.delete_orphan, name="delete_orphan"),
]

# Working as a team
urlpatterns += [
    path("work/", team.my_work, name="my_work"),
    path("work/<int:work_item_id>/done/", team.mark_done, name="mark_done"),
    path("work/<int:work_item_id>/reopen/", team.reopen_item, name="reopen_item"),
    path("assignments/", team.assignment_list, name="assignment_list"),
    path("assignments/<int:assignment_id>/", team.assignment_detail, name="assignment_detail"),
    path("assignments/<int:assignment_id>/agreement/", team.agreement_page, name="agreement"),
    path(
        "assignments/<int:assignment_id>/agreement.csv",
        team.agreement_csv,
        name="agreement_csv",
    ),
    path("assignments/<int:assignment_id>/layers.csv", team.layers_csv, name="layers_csv"),
    path(
        "assignments/<int:assignment_id>/articles/<int:article_id>/adjudicate/",
        team.adjudicate_article,
        name="adjudicate_article",
    ),
    path(
        "assignments/<int:assignment_id>/articles/<int:article_id>/adjudicate/edit/",
        team.adjudication_edit,
        name="adjudication_edit",
    ),
    path("guidelines/<slug:kind>/", team.guideline_page, name="guideline_page"),
]
