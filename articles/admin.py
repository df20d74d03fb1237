from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

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
    """Read-only: tags change only through the tagging pages, which check the version the
    editor started from and record each change in the tag's history (with restore)."""

    list_display = ["kind", "exact", "article", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article", "created_by"]
    raw_id_fields = ["article"]

    def has_add_permission(self, request: HttpRequest) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:  # noqa: ARG002
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:  # noqa: ARG002
        return False


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Admins manage accounts and roles; only superusers grant superuser or single
    permissions, or touch a superuser's account."""

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
