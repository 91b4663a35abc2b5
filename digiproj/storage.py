"""Private files: report files, survey exports and uploaded participant files.

They hold personal data (full personnummer in an SCB file), so they live in a storage with no
URL, on disk outside MEDIA_ROOT, and leave the platform only through a view that has checked
the user's permission (`private_file_response`). Nothing is served from /media/.

In production behind nginx, set DIGIPROJ_X_ACCEL_REDIRECT_PREFIX (e.g. `/_private/`) and map it
to PRIVATE_STORAGE_ROOT in an `internal` location: Django checks the permission and nginx sends
the bytes, so a big file does not hold a web process.
"""

from __future__ import annotations

import mimetypes
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage in PRIVATE_STORAGE_ROOT with no URL at all (`url()` refuses, where
    Django's would fall back to MEDIA_URL)."""

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        kwargs.pop("base_url", None)
        self._private_location = location
        super().__init__(location=location, base_url=None, **kwargs)

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._private_location, settings.PRIVATE_STORAGE_ROOT)

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # Django calls this on every setting_changed signal, whatever the setting; the stubs
        # list only the four names FileSystemStorage itself reacts to.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "PRIVATE_STORAGE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them with private_file_response()")


def private_storage() -> Any:
    """The storage of every file field with personal data (STORAGES["private"])."""
    return storages["private"]


def private_upload_to(instance: Any, filename: str) -> str:
    """`<app>/<model>/<random>/<filename>`: the random part makes a path unguessable even if
    the storage were ever exposed by mistake; the file keeps its readable name."""
    meta = instance._meta
    return f"{meta.app_label}/{meta.model_name}/{secrets.token_urlsafe(18)}/{Path(filename).name}"


def private_file_response(
    file: FieldFile, *, filename: str, content_type: str | None = None
) -> HttpResponseBase:
    """The download of a private file. Call only after the permission check.

    With DIGIPROJ_X_ACCEL_REDIRECT_PREFIX set, nginx sends the file (X-Accel-Redirect to an
    internal location); otherwise Django streams it (FileResponse)."""
    prefix = settings.DIGIPROJ_X_ACCEL_REDIRECT_PREFIX
    if prefix:
        if not file.name:
            raise ValueError("the field has no file to send")
        guessed = mimetypes.guess_type(filename)[0]
        response = HttpResponse(content_type=content_type or guessed or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        # An attachment always gets a header; None is only for an inline file with no name.
        response["Content-Disposition"] = content_disposition_header(True, filename) or ""
        return response
    streamed = FileResponse(file.open("rb"), as_attachment=True, filename=filename)
    if content_type:
        streamed["Content-Type"] = content_type
    return streamed


@checks.register(checks.Tags.security, deploy=False)
def check_private_root_not_public(**kwargs: Any) -> list[checks.CheckMessage]:
    """PRIVATE_STORAGE_ROOT must not lie under a folder a web server may serve."""
    private = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    errors: list[checks.CheckMessage] = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and private.is_relative_to(Path(public).resolve()):
            errors.append(
                checks.Error(
                    f"PRIVATE_STORAGE_ROOT ({private}) lies inside {name} ({public}).",
                    hint="Put private files (DJANGO_PRIVATE_ROOT) outside every served folder.",
                    id="digiproj.E001",
                )
            )
    return errors


def move_files_to_private(model: Any, field: str = "file") -> int:
    """Data migrations: move a model's files from the default (MEDIA_ROOT) storage, where
    they had guessable paths, into private storage under unguessable ones."""
    from django.core.files.storage import default_storage

    target = private_storage()
    moved = 0
    for row in model.objects.exclude(**{field: ""}).only("pk", field).iterator():
        old = getattr(row, field).name
        if not default_storage.exists(old):
            model.objects.filter(pk=row.pk).update(**{field: ""})
            continue
        with default_storage.open(old, "rb") as handle:
            new = target.save(private_upload_to(row, old), handle)
        model.objects.filter(pk=row.pk).update(**{field: new})
        default_storage.delete(old)
        moved += 1
    return moved
