"""Uploads that are read in the request and never written to disk.

Django keeps an upload in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) and writes a
larger one to a temporary file. A file that holds personal data and is only read (a meeting's
attendance report: names, addresses, times) should not land on the server's disk at all, so a
view that takes one uses `memory_uploads`: every file stays in memory, and a file over the
limit is not kept beyond it (its `size` says how large it was, for the form to refuse).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Each file into a BytesIO, at most `max_bytes` of it; the rest is counted and dropped."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= self.max_bytes:
            self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def memory_uploads(
    max_bytes: int,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view whose uploads must stay in memory (see the module's docstring).

    The handlers can only be changed before the request's body is read, and the CSRF check
    reads it; so the check is moved from the middleware into the view, after the change
    (Django's documented pattern: csrf_exempt outside, csrf_protect inside)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        @csrf_exempt
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.upload_handlers = [MemoryOnlyUploadHandler(request, max_bytes=max_bytes)]
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator
