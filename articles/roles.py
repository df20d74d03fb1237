"""The three roles as Django groups, and the permissions each one holds."""

from __future__ import annotations

EDITORS = "Editors"
REVIEWERS = "Reviewers"
ADMINS = "Admins"

# app_label.codename; Admins also get every permission of the articles app.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        "articles.view_article",
        "articles.view_source",
        "articles.view_tag",
        "articles.add_tag",
        "articles.change_tag",
        "articles.delete_tag",
    ],
    REVIEWERS: [
        "articles.view_article",
        "articles.view_source",
        "articles.view_tag",
        "articles.review_tag",
        "articles.export_tags",
        "articles.adjudicate_tags",
    ],
    ADMINS: ["articles.*", "auth.view_user", "auth.add_user", "auth.change_user"],
}


def sync_roles(apps) -> None:
    """Create the groups and give them their permissions. Takes an app registry so the
    data migration can pass its historical one; safe to run again."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Permissions are normally created after migrate; create them now. (Migration
        # app registries hold stubs without `models_module`, which the helper requires.)
        had_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                found = found.filter(codename=codename)
            wanted.extend(found)
        group.permissions.set(wanted)


def role_of(user) -> str | None:
    """The user's role name, for display; superusers count as Admins."""
    if user.is_superuser:
        return ADMINS
    names = {g.name for g in user.groups.all()}
    for role in (ADMINS, REVIEWERS, EDITORS):
        if role in names:
            return role
    return None
