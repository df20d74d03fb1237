from django.contrib import admin

from articles.models import Article, Source, Tag


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "site"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_on", "imported_at"]
    list_filter = ["source"]
    list_select_related = ["source"]
    search_fields = ["title"]
    readonly_fields = ["body", "body_sha256", "imported_by", "imported_at"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["kind", "exact", "article", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article", "created_by"]
    raw_id_fields = ["article"]
    readonly_fields = ["start", "end", "exact", "prefix", "suffix", "version"]
