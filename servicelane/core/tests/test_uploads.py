"""Every upload goes through core/uploads.py: only the kinds we declare are accepted,
recognised by their content, bounded in bytes and pixels, and no file ever reaches a
decoder we do not promise or another program."""

import inspect
import io
import json
import os
import pkgutil
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.db import models
from django.test import RequestFactory
from django.utils import translation
from ninja.params.models import File as NinjaFileParam
from PIL import Image, ImageFile

import servicelane
from servicelane.core import uploads
from servicelane.core.tests.samples import (
    EPS,
    PHOTO_FORMATS,
    PILLOW_MADE,
    REFUSED,
    picture,
    png_claiming,
    upload,
)
from servicelane.workorders.models import Photo, RepairOrder

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "servicelane"


# ---------------------------------------------------------------- what is accepted


@pytest.mark.parametrize("fmt", sorted(PHOTO_FORMATS))
def test_a_jpeg_png_or_webp_photo_is_received_whatever_its_name_and_declared_type(fmt):
    sent = upload(picture(fmt), name="scan.gif", content_type="image/gif")

    received = uploads.receive(sent, kind=uploads.PHOTO)

    assert received.type.pillow_format == fmt
    assert received.image.size == (16, 12)
    assert received.name.endswith(received.type.extension)
    assert "scan" not in received.name


def test_a_photo_of_exactly_the_pixel_limit_is_received(settings):
    settings.PHOTO_MAX_PIXELS = 16 * 12

    received = uploads.receive(upload(picture("PNG")), kind=uploads.PHOTO)

    assert received.image.size == (16, 12)


# ---------------------------------------------------------------- what is refused


def test_the_refused_samples_cover_the_formats_pillow_would_otherwise_open():
    # The samples are made with the Pillow installed here; a build without a format
    # would silently test less.
    assert {"GIF", "BMP", "TIFF", "ICO", "EPS", "PDF", "JPEG2000", "AVIF"} <= set(PILLOW_MADE)
    for fmt, data in PILLOW_MADE.items():
        if fmt in {"PDF", "PALM"}:  # Pillow writes these but does not read them
            continue
        assert Image.open(io.BytesIO(data)).format, fmt


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_any_other_format_is_refused_as_a_photo(name):
    with pytest.raises(ValidationError) as exc:
        uploads.receive(upload(REFUSED[name]), kind=uploads.PHOTO, field_name="image")

    assert exc.value.message_dict == {
        "image": ["This file is not a photo we can read (JPEG, PNG, WebP)."]
    }


def test_the_refusal_is_in_the_language_of_the_request():
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        uploads.receive(upload(EPS), kind=uploads.PHOTO)

    assert exc.value.messages[0] != "This file is not a photo we can read (JPEG, PNG, WebP)."
    assert "JPEG, PNG, WebP" in exc.value.messages[0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_claiming(100_000, 100_000)  # ten thousand million pixels in 90 bytes

    with pytest.raises(ValidationError) as exc:
        uploads.receive(upload(bomb, "bomb.png", "image/png"), kind=uploads.PHOTO)

    assert exc.value.messages == ["The picture has more than 60 million pixels."]


def test_the_pixel_limit_is_a_setting(settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    sent = upload(picture("PNG", size=(1200, 1000)), "wide.png", "image/png")

    with pytest.raises(ValidationError) as exc:
        uploads.receive(sent, kind=uploads.PHOTO)

    assert exc.value.messages == ["The picture has more than 1 million pixels."]


def test_a_file_larger_than_its_kinds_limit_is_refused_unread(settings):
    settings.PHOTO_MAX_UPLOAD_MB = 1
    just_over = b"\xff\xd8\xff" + b"\0" * (1024 * 1024)

    with pytest.raises(ValidationError) as exc:
        uploads.receive(upload(just_over), kind=uploads.PHOTO, field_name="image")
    # A stream that does not say its size is read only up to the limit.
    with pytest.raises(ValidationError) as unsized:
        uploads.receive(io.BytesIO(just_over), kind=uploads.PHOTO)

    assert exc.value.message_dict == {"image": ["The photo is larger than 1 MB."]}
    assert unsized.value.messages == ["The photo is larger than 1 MB."]


def test_a_photo_cut_off_in_transfer_is_refused_even_where_pillow_was_made_lenient(
    monkeypatch,
):
    whole = picture("JPEG", size=(600, 400))
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint does

    with pytest.raises(ValidationError):
        uploads.receive(upload(whole[: len(whole) // 3]), kind=uploads.PHOTO)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was found


def test_no_file_chosen_is_refused_with_the_kinds_words():
    with pytest.raises(ValidationError) as exc:
        uploads.receive(None, kind=uploads.PHOTO, field_name="image")

    assert exc.value.message_dict == {"image": ["Choose a photo."]}


# ---------------------------------------------------------------- PDF and JSON kinds


def test_a_pdf_is_kept_as_it_came_and_never_decoded():
    pdf = REFUSED["pdf-made-by-pillow"]

    received = uploads.receive(upload(pdf, "invoice.jpg", "image/jpeg"), kind=uploads.PDF_DOCUMENT)

    assert received.type is uploads.PDF
    assert received.image is None
    assert received.content == pdf
    stored = received.as_file()
    assert stored.name.endswith(".pdf") and "invoice" not in stored.name


def test_a_photo_or_a_script_is_refused_as_a_pdf():
    for data in (picture("JPEG"), EPS, b"<html><script>alert(1)</script></html>"):
        with pytest.raises(ValidationError) as exc:
            uploads.receive(
                upload(data, "doc.pdf", "application/pdf"),
                kind=uploads.PDF_DOCUMENT,
                field_name="file",
            )
        assert exc.value.message_dict == {"file": ["This file is not a PDF document."]}


def test_a_pdf_goes_back_out_only_as_a_download():
    response = uploads.file_response(
        io.BytesIO(b"%PDF-1.7\n%%EOF\n"), file_type=uploads.PDF, filename="receipt.pdf"
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_photo_we_encoded_is_shown_inline_and_not_sniffed():
    response = uploads.file_response(io.BytesIO(picture("JPEG")), file_type=uploads.JPEG)

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_json_document_is_received_as_text():
    document = "\ufeff" + json.dumps({"items": [], "note": "Ölwechsel"})

    received = uploads.receive(
        upload(document.encode(), "cbs.txt", "text/plain"), kind=uploads.CBS_DOCUMENT
    )

    assert json.loads(received.text) == {"items": [], "note": "Ölwechsel"}


@pytest.mark.parametrize(
    "data",
    [picture("PNG"), b"items: []", b'{"note": "\xff\xfe"}', b""],
    ids=["png", "yaml", "not-utf8", "empty"],
)
def test_what_is_not_a_json_document_is_refused_as_one(data):
    with pytest.raises(ValidationError) as exc:
        uploads.receive(upload(data, "cbs.json", "application/json"), kind=uploads.CBS_DOCUMENT)

    assert exc.value.messages == ["This file is not a JSON document."]


def test_a_json_document_over_its_limit_is_refused(settings):
    settings.CBS_MAX_UPLOAD_KB = 1
    big = json.dumps({"items": ["x" * 2000]}).encode()

    with pytest.raises(ValidationError) as exc:
        uploads.receive(upload(big, "cbs.json"), kind=uploads.CBS_DOCUMENT)

    assert exc.value.messages == ["This file is too large for a CBS document."]


def test_a_file_received_as_one_kind_is_checked_again_as_another():
    photo = uploads.receive(upload(picture("JPEG")), kind=uploads.PHOTO)

    assert uploads.receive(photo, kind=uploads.PHOTO) is photo
    with pytest.raises(ValidationError):
        uploads.receive(photo, kind=uploads.PDF_DOCUMENT)


def test_each_kind_names_its_limit_in_a_setting(settings):
    for kind in uploads.KINDS.values():
        assert kind.max_bytes > 0, kind
        assert kind.types, kind
        assert all(hasattr(settings, name) for name in (kind.size_setting,)), kind
    assert uploads.PHOTO.max_pixels == settings.PHOTO_MAX_PIXELS
    assert {t.pillow_format for t in uploads.PHOTO.types} == {"JPEG", "PNG", "WEBP"}
    # Only photos are ever decoded.
    for kind in uploads.KINDS.values():
        if kind is not uploads.PHOTO:
            assert all(t.pillow_format is None for t in kind.types), kind


# ---------------------------------------------------------------- the form field


class AttachForm(forms.Form):
    image = uploads.UploadField(kind=uploads.PHOTO, label="Photo")


def test_the_upload_field_refuses_inline_and_offers_only_the_kinds_types():
    refused = AttachForm({}, {"image": upload(EPS, "car.jpg")})
    accepted = AttachForm({}, {"image": upload(picture("WEBP"), "car.webp", "image/webp")})

    assert not refused.is_valid()
    assert refused.errors["image"] == ["This file is not a photo we can read (JPEG, PNG, WebP)."]
    assert accepted.is_valid(), accepted.errors
    assert accepted.cleaned_data["image"].type is uploads.WEBP
    assert 'accept="image/jpeg,image/png,image/webp"' in str(accepted["image"])


def test_the_upload_field_asks_for_a_photo_when_none_was_chosen():
    form = AttachForm({}, {})

    assert not form.is_valid()
    assert form.errors["image"] == ["Choose a photo."]


# ---------------------------------------------------------------- a fresh process


FRESH_PROCESS = """
import json, os, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pydantic import TypeAdapter
from servicelane.core import uploads
from servicelane.workorders.work.forms import PhotoForm as BayPhotoForm
from servicelane.workorders.reception.forms import PhotoForm

eps = open(sys.argv[1], "rb").read()
marker = sys.argv[2]
result = {}
def sent():
    return SimpleUploadedFile("photo.jpg", eps, content_type="image/jpeg")
try:
    uploads.receive(sent(), kind=uploads.PHOTO, field_name="image")
    result["function"] = "accepted"
except ValidationError as exc:
    result["function"] = exc.message_dict["image"]
for name, form_class in (("form", PhotoForm), ("bay_form", BayPhotoForm)):
    form = form_class({}, {"image": sent()})
    result[name] = form.errors.get("image") if not form.is_valid() else "accepted"
try:
    TypeAdapter(uploads.Upload[uploads.PHOTO]).validate_python(sent())
    result["api"] = "accepted"
except ValidationError as exc:
    result["api"] = exc.messages
result["gs_ran_for_us"] = os.path.exists(marker)

# The control: Pillow left to itself hands the same file to the gs it finds on PATH.
from PIL import Image
try:
    Image.open(sent()).load()
except Exception:
    pass
result["gs_ran_for_pillow_alone"] = os.path.exists(marker)
print(json.dumps(result))
"""


def test_an_eps_photo_is_refused_in_a_fresh_process_and_ghostscript_never_runs(tmp_path):
    marker = tmp_path / "gs-ran"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_gs = bin_dir / "gs"
    fake_gs.write_text(f'#!/bin/sh\necho "$@" > "{marker}"\nexit 1\n')
    fake_gs.chmod(0o755)
    eps_file = tmp_path / "car.eps"
    eps_file.write_bytes(EPS)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "servicelane.settings",
    }

    run = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(eps_file), str(marker)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    refused = ["This file is not a photo we can read (JPEG, PNG, WebP)."]
    assert result["function"] == refused
    assert result["form"] == refused
    assert result["bay_form"] == refused
    assert result["api"] == refused
    assert result["gs_ran_for_us"] is False
    # Proof that the fake gs would have been seen: Pillow alone runs it.
    assert result["gs_ran_for_pillow_alone"] is True


# ---------------------------------------------------------------- nothing bypasses it


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(servicelane.__path__, "servicelane."):
        name = module.name
        if ".tests" in name or ".migrations" in name or name.endswith((".wsgi", ".asgi")):
            continue
        __import__(name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def _raw_file_fields(form_class: type) -> list[str]:
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.FileField) and not isinstance(field, uploads.UploadField)
    ]


def test_every_file_field_of_our_forms_is_an_upload_field():
    _import_every_module()
    ours = [
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("servicelane.") and ".tests" not in form.__module__
    ]
    upload_forms = [
        f for f in ours if any(isinstance(x, forms.FileField) for x in f.base_fields.values())
    ]

    offenders = {f"{f.__module__}.{f.__qualname__}": _raw_file_fields(f) for f in ours}

    assert {name: fields for name, fields in offenders.items() if fields} == {}
    # The walk sees the forms that take files today.
    names = {f"{f.__module__}.{f.__qualname__}" for f in upload_forms}
    assert {
        "servicelane.workorders.reception.forms.PhotoForm",
        "servicelane.workorders.reception.forms.CbsForm",
        "servicelane.workorders.work.forms.PhotoForm",
    } <= names


def test_the_walk_over_forms_would_catch_a_plain_file_field():
    class Careless(forms.Form):
        receipt = forms.FileField()
        scan = forms.ImageField()

    assert _raw_file_fields(Careless) == ["receipt", "scan"]


class _Superuser:
    is_active = is_staff = is_superuser = True
    is_authenticated = True
    pk = id = 0

    def has_perm(self, *args, **kwargs):
        return True

    def has_perms(self, *args, **kwargs):
        return True

    def has_module_perms(self, *args, **kwargs):
        return True


def test_the_admin_offers_no_file_field_that_bypasses_the_upload_module():
    import servicelane.urls  # noqa: F401 - registers every ModelAdmin

    request = RequestFactory().get("/admin/")
    request.user = _Superuser()
    offenders = {}
    for model, model_admin in admin.site._registry.items():
        form_classes = [model_admin.get_form(request)]
        form_classes += [
            inline(model, admin.site).get_formset(request).form for inline in model_admin.inlines
        ]
        for form_class in form_classes:
            if fields := _raw_file_fields(form_class):
                offenders[model._meta.label] = fields

    assert offenders == {}


def _is_checked(annotation, default) -> bool | None:
    """None: not a file parameter; True / False: it does / does not go through receive()."""
    metadata = list(getattr(annotation, "__metadata__", ()))
    is_file = isinstance(default, NinjaFileParam) or any(
        isinstance(m, NinjaFileParam) for m in metadata
    )

    def mentions_uploaded_file(tp) -> bool:
        if isinstance(tp, type) and issubclass(tp, DjangoUploadedFile):
            return True
        return any(mentions_uploaded_file(arg) for arg in typing.get_args(tp))

    if not is_file and not mentions_uploaded_file(annotation):
        return None
    return any(isinstance(m, uploads.Checked) for m in metadata)


def _api_operations():
    from servicelane.api import api

    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                yield api, operation


def _file_parameters(view_func) -> dict[str, bool]:
    view_func = inspect.unwrap(view_func)
    try:
        hints = typing.get_type_hints(view_func, include_extras=True)
    except NameError:  # an annotation imported only for type checkers
        hints = {}
    found = {}
    for name, param in inspect.signature(view_func).parameters.items():
        checked = _is_checked(hints.get(name, param.annotation), param.default)
        if checked is not None:
            found[name] = checked
    return found


def test_every_file_parameter_of_the_api_goes_through_the_upload_module():
    operations = list(_api_operations())
    offenders = {
        f"{op.view_func.__module__}.{op.view_func.__name__}": name
        for _, op in operations
        for name, checked in _file_parameters(op.view_func).items()
        if not checked
    }
    checked = {
        op.view_func.__name__
        for _, op in operations
        if any(_file_parameters(op.view_func).values())
    }

    assert offenders == {}
    assert "add_photo" in checked


def test_every_multipart_operation_of_the_openapi_document_takes_only_checked_files():
    from servicelane.api import api

    by_id = {api.get_openapi_operation_id(op): op for _, op in _api_operations()}
    document = api.get_openapi_schema()
    multipart = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "multipart/form-data" in content:
                multipart[f"{method.upper()} {path}"] = (
                    operation["operationId"],
                    content["multipart/form-data"]["schema"],
                )

    problems = {}
    for where, (operation_id, schema) in multipart.items():
        properties = schema.get("properties", {})
        if "$ref" in schema:
            ref = schema["$ref"].rsplit("/", 1)[-1]
            properties = document["components"]["schemas"][ref].get("properties", {})
        binary = {name for name, prop in properties.items() if json.dumps(prop).count('"binary"')}
        params = _file_parameters(by_id[operation_id].view_func)
        unchecked = {name for name in binary if not params.get(name)}
        if unchecked or not binary:
            problems[where] = sorted(unchecked) or "multipart without a checked file"

    assert problems == {}
    assert "POST /api/v1/repair-orders/{repair_order_id}/photos" in multipart


def test_the_walk_over_the_api_would_catch_a_raw_file_parameter():
    from ninja import File
    from ninja.files import UploadedFile

    def careless(request, receipt: File[UploadedFile], scan: UploadedFile = None): ...

    def careful(request, image: uploads.Upload[uploads.PHOTO]): ...

    assert _file_parameters(careless) == {"receipt": False, "scan": False}
    assert _file_parameters(careful) == {"image": True}


def _our_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_no_code_opens_or_reads_an_upload_around_the_upload_module():
    rules = {
        # Pillow opens files only in core/uploads.py, with the decoder list.
        r"\bImage\.open\(|ImageFile\.Parser": "opens a picture itself",
        r"\bUploadedFile\b": "takes an upload without its kind",
        # request.FILES only ever goes whole into a form (whose file fields are checked).
        r"request\.FILES(?!\))": "reads request.FILES itself",
    }
    offenders = []
    for relative, source in _our_sources():
        if relative == "servicelane/core/uploads.py":
            continue
        for pattern, what in rules.items():
            if re.search(pattern, source):
                offenders.append(f"{relative}: {what}")
        for match in re.finditer(r"request\.FILES\)", source):
            line = source[: match.end()].rsplit("\n", 1)[-1]
            if not re.search(r"\w+Form\(request\.POST, request\.FILES\)$", line):
                offenders.append(f"{relative}: passes request.FILES elsewhere than a form")

    assert offenders == []


def test_nothing_that_serves_a_request_or_runs_a_task_calls_a_shell_or_another_program():
    pattern = re.compile(
        r"\bimport subprocess\b|\bfrom subprocess\b|\bos\.(system|popen|exec\w*|spawn\w*)\(|"
        r"shell=True|\bimport pty\b|\bcommands\.getoutput"
    )

    # An operator's management command may start programs (the fuzzing run starts a
    # server); nothing a request or a background task runs may.
    offenders = [
        relative
        for relative, source in _our_sources()
        if pattern.search(source) and "/management/commands/" not in relative
    ]

    assert offenders == []


def test_every_stored_file_gets_a_random_name():
    file_fields = [
        field
        for model in apps.get_models()
        if model.__module__.startswith("servicelane.")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    assert [f for f in file_fields if not getattr(f.upload_to, "random_names", False)] == []
    assert any(f.model.__name__ == "Photo" for f in file_fields)


def test_a_photo_file_name_from_the_client_never_reaches_the_disk():
    photo = Photo(repair_order=RepairOrder(pk=7, workshop_id=3))
    field = Photo._meta.get_field("image")

    first = field.generate_filename(photo, "../../etc/cron.d/evil.eps")
    second = field.generate_filename(photo, "../../etc/cron.d/evil.eps")

    assert first.startswith("repair-orders/3/7/")
    assert "evil" not in first and ".." not in first and not first.endswith(".eps")
    assert first != second
