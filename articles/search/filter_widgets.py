"""Widgets of the filter forms above the article list, the tag list and the review queue.

Django renders a choice widget through a template per option (three nested includes for
a check box): the tag filter's forty-odd check boxes cost more CPU than the fifty rows
under them. These widgets build the same markup in Python from the same context
(`get_context`, so ids, `checked`/`selected` and attributes are Django's own); each value
is escaped as the templates escape it. tests/test_filter_widgets.py renders both ways and compares.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


class ChoicesInOneQuery(ModelChoiceIterator):
    """A model field's choices in one plain query: Django's default `.iterator()` opens a
    server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE) for a list of twenty rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


def attributes(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, none for False."""
    html = ""
    for name, value in attrs.items():
        if value is True:
            html += f" {conditional_escape(name)}"
        elif value is not False:
            html += f' {conditional_escape(name)}="{conditional_escape(value)}"'
    return html


def _input(option: dict[str, Any]) -> str:
    """django/forms/widgets/input.html (with its trailing newline, as the include keeps it)."""
    value = "" if option["value"] is None else f' value="{conditional_escape(option["value"])}"'
    return (
        f'<input type="{conditional_escape(option["type"])}"'
        f' name="{conditional_escape(option["name"])}"{value}{attributes(option["attrs"])}>\n'
    )


class CheckBoxes(forms.CheckboxSelectMultiple):
    """`CheckboxSelectMultiple`, rendered in Python (multiple_input.html, input_option.html)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:  # noqa: ARG002
        widget = self.get_context(name, value, attrs)["widget"]
        html = "<div"
        if widget["attrs"].get("id"):
            html += f' id="{conditional_escape(widget["attrs"]["id"])}"'
        if widget["attrs"].get("class"):
            html += f' class="{conditional_escape(widget["attrs"]["class"])}"'
        html += ">"
        for group, options, _index in widget["optgroups"]:
            if group:
                html += f"\n  <div><label>{conditional_escape(group)}</label>"
            for option in options:
                html += f"<div>\n    {self._option(option)}\n</div>"
            if group:
                html += "\n  </div>"
        return SafeString(html + "\n</div>")

    @staticmethod
    def _option(option: dict[str, Any]) -> str:
        if not option["wrap_label"]:
            return _input(option) + "\n"
        label_for = option["attrs"].get("id")
        opening = f'<label for="{conditional_escape(label_for)}">' if label_for else "<label>"
        return f"{opening}{_input(option)} {conditional_escape(option['label'])}</label>\n"


class Dropdown(forms.Select):
    """`Select`, rendered in Python (select.html, select_option.html)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:  # noqa: ARG002
        widget = self.get_context(name, value, attrs)["widget"]
        html = f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>'
        for group, options, _index in widget["optgroups"]:
            if group:
                html += f'\n  <optgroup label="{conditional_escape(group)}">'
            for option in options:
                html += (
                    f'\n  <option value="{conditional_escape(option["value"])}"'
                    f"{attributes(option['attrs'])}>{conditional_escape(option['label'])}"
                    "</option>\n"
                )
            if group:
                html += "\n  </optgroup>"
        return SafeString(html + "\n</select>")
