"""An HTML upload form for a presigned POST, like the one in boto3's
"Presigned URLs" guide: the fields as hidden inputs, then the file input
(last: S3 ignores every field after ``file``), then a submit button.

Every value is escaped with :func:`html.escape`; the form is sent as
``multipart/form-data`` in UTF-8.
"""

from __future__ import annotations

from html import escape as _escape

from .post import InvalidPolicyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["render_form", "render_page"]

_STATUSES = ("200", "201", "204")


def _attr(value: object) -> str:
    return _escape(str(value), quote=True)


def _post_parts(post: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if not hasattr(post, "get") or not isinstance(post.get("url"), str) or not hasattr(post.get("fields"), "items"):
        raise InvalidPolicyError("post", "must be the {'url': ..., 'fields': {...}} that generate_presigned_post returns")
    fields = dict(post["fields"])
    if "policy" not in fields:
        raise InvalidPolicyError("post", "has no 'policy' field: pass what generate_presigned_post returned")
    return post["url"], fields


def _add_field(fields: dict[str, Any], name: str, value: str) -> None:
    """Add ``name`` = ``value`` unless present; the signed policy must accept it."""
    from .post import decode_policy, field_allowed

    present = [k for k in fields if k.lower() == name]
    if present:
        if str(fields[present[0]]) != value:
            raise InvalidPolicyError(name, f"the fields already set it to {fields[present[0]]!r}, not {value!r}")
        return
    conditions = decode_policy(fields["policy"])["conditions"]
    if not field_allowed(conditions, name, value):
        raise InvalidPolicyError(
            name,
            f"the policy does not allow {value!r}: pass Fields={{{name!r}: {value!r}}} and a condition such as "
            f"{{{name!r}: {value!r}}} or ['starts-with', '${name}', ''] to generate_presigned_post",
        )
    fields[name] = value


def render_form(
    post: Mapping[str, Any],
    *,
    success_action_redirect: str | None = None,
    success_action_status: str | int | None = None,
    file_label: str = "File:",
    submit_label: str = "Upload",
    accept: str | None = None,
) -> str:
    """The ``<form>`` element for ``post`` (``{'url': ..., 'fields': ...}``).

    ``success_action_redirect`` (a URL S3 redirects the browser to, with
    ``bucket``, ``key`` and ``etag`` in the query) or ``success_action_status``
    (``200``, ``201`` -- an XML answer -- or ``204``, S3's default) add that
    field, provided the signed policy allows it (a condition on it, e.g.
    ``['starts-with', '$success_action_redirect', '']``); otherwise S3 would
    reject the upload, so :class:`~sigv4.s3.post.InvalidPolicyError` is raised.
    ``accept`` fills the file input's ``accept`` attribute (e.g. ``"image/*"``).
    """
    url, fields = _post_parts(post)
    if success_action_redirect is not None:
        if not isinstance(success_action_redirect, str) or not success_action_redirect:
            raise InvalidPolicyError("success_action_redirect", "must be a non-empty URL string")
        _add_field(fields, "success_action_redirect", success_action_redirect)
    if success_action_status is not None:
        status = str(success_action_status)
        if isinstance(success_action_status, bool) or status not in _STATUSES:
            raise InvalidPolicyError("success_action_status", f"must be one of 200, 201, 204, got {success_action_status!r}")
        _add_field(fields, "success_action_status", status)
    lines = [f'<form action="{_attr(url)}" method="post" enctype="multipart/form-data" accept-charset="UTF-8">']
    for name, value in fields.items():
        lines.append(f'  <input type="hidden" name="{_attr(name)}" value="{_attr(value)}" />')
    accept_attr = f' accept="{_attr(accept)}"' if accept else ""
    lines.append(f'  <label>{_escape(file_label)} <input type="file" name="file"{accept_attr} /></label>')
    # No name on the button: a named submit would send one more field, outside the policy.
    lines.append(f'  <input type="submit" value="{_attr(submit_label)}" />')
    lines.append("</form>")
    return "\n".join(lines) + "\n"


def render_page(post: Mapping[str, Any], *, title: str = "Upload", **options: Any) -> str:
    """A whole minimal HTML page around :func:`render_form` (same options)."""
    form = "\n".join("    " + line for line in render_form(post, **options).splitlines())
    return (
        "<!DOCTYPE html>\n"
        "<html>\n"
        "  <head>\n"
        '    <meta charset="utf-8" />\n'
        f"    <title>{_escape(title)}</title>\n"
        "  </head>\n"
        "  <body>\n"
        f"{form}\n"
        "  </body>\n"
        "</html>\n"
    )
