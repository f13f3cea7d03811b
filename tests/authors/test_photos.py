"""Author photos in the admin: real images only, EXIF removed, scaled down, with a thumbnail."""

import io
import resource
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertRedirects

from authors.models import Author

pytestmark = pytest.mark.django_db

AUTHORS = reverse("admin:authors_author_changelist")


def change_url(author):
    return reverse("admin:authors_author_change", args=[author.pk])


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_exif(size=(2400, 1600)):
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0132] = "2026:01:02 03:04:05"  # DateTime
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png(size, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims ``width`` x ``height`` 1-bit pixels: a decompression bomb."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def add_author(client, content, filename="portrait.jpg"):
    data = {
        "name": "Photo Author",
        "slug": "photo-author",
        "credentials": "MD",
        "bio": "",
        "photo": SimpleUploadedFile(filename, content),
        "affiliation_links-TOTAL_FORMS": "0",
        "affiliation_links-INITIAL_FORMS": "0",
        "affiliation_links-MIN_NUM_FORMS": "0",
        "affiliation_links-MAX_NUM_FORMS": "1000",
    }
    return client.post(reverse("admin:authors_author_add"), data)


def test_a_real_photo_is_stored_without_exif_scaled_down_with_a_square_thumbnail(
    editor_client, settings
):
    original = jpeg_with_exif()
    assert b"SecretCam" in original
    response = add_author(editor_client, original)
    assertRedirects(
        response,
        AUTHORS,
        fetch_redirect_response=False,
        msg_prefix=response.content.decode()[:2000],
    )
    author = Author.objects.get(slug="photo-author")
    stored = author.photo.read()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as photo:
        assert photo.size == (1200, 800)
        assert not photo.getexif()
    with Image.open(author.photo_thumbnail.path) as thumbnail:
        thumbnail_side = settings.AUTHOR_PHOTO_THUMBNAIL_SIDE
        assert thumbnail.size == (thumbnail_side, thumbnail_side)
    assertContains(
        editor_client.get(change_url(author)),
        f'<img src="{author.photo_thumbnail.url}" alt="Photo of Photo Author"'
        ' width="80" height="80">',
        html=True,
    )


def test_saving_an_author_without_touching_the_photo_keeps_it(editor_client):
    add_author(editor_client, jpeg_with_exif((300, 300)))
    author = Author.objects.get(slug="photo-author")
    photo, thumbnail = author.photo.name, author.photo_thumbnail.name
    response = editor_client.post(
        change_url(author),
        {
            "name": "Photo Author",
            "slug": "photo-author",
            "credentials": "MD, PhD",
            "bio": "",
            "affiliation_links-TOTAL_FORMS": "0",
            "affiliation_links-INITIAL_FORMS": "0",
            "affiliation_links-MIN_NUM_FORMS": "0",
            "affiliation_links-MAX_NUM_FORMS": "1000",
        },
    )
    assertRedirects(response, AUTHORS, fetch_redirect_response=False)
    author.refresh_from_db()
    assert (author.credentials, author.photo.name, author.photo_thumbnail.name) == (
        "MD, PhD",
        photo,
        thumbnail,
    )


def test_pages_use_the_thumbnail_and_pages_without_a_photo_show_initials(
    editor_client, client, author
):
    add_author(editor_client, jpeg_with_exif((300, 300)))
    photo_author = Author.objects.get(slug="photo-author")
    page = client.get(reverse("authors:index"))
    assertContains(
        page,
        f'<img class="author-photo" src="{photo_author.photo_thumbnail.url}" alt=""'
        ' width="48" height="48">',
        html=True,
    )
    assertContains(page, '<span class="author-initials" aria-hidden="true">AB</span>', html=True)


BAD_PHOTOS = {
    "renamed-text": (lambda: b"Just some text, not a picture.\n" * 20, "portrait.jpg"),
    "truncated-jpeg": (lambda: jpeg_with_exif((400, 300))[:1500], "truncated.jpg"),
    "truncated-png": (lambda: png((400, 300))[:-40], "truncated.png"),
    "bomb": (lambda: png((8000, 6000), mode="1"), "bomb.png"),
    "pillow-bomb": (lambda: png_claiming(60_000, 60_000), "pillow-bomb.png"),
}


@pytest.mark.parametrize("kind", BAD_PHOTOS)
def test_a_bad_photo_is_a_form_error_not_a_500_and_stores_nothing(editor_client, kind, tmp_path):
    make, filename = BAD_PHOTOS[kind]
    response = add_author(editor_client, make(), filename)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "photo" in errors, errors
    assert not Author.objects.filter(slug="photo-author").exists()
    assert not list(tmp_path.rglob("*.*"))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_prepare_photo_refuses_a_decompression_bomb_even_where_warnings_are_ignored():
    """Production does not turn Pillow's bomb warning into an error; prepare_photo does."""
    from django.core.exceptions import ValidationError

    from authors.photos import prepare_photo

    with pytest.raises(ValidationError, match="too many pixels"):
        prepare_photo(SimpleUploadedFile("b.png", png_claiming(10_000, 10_000)))


def test_prepare_photo_refuses_a_truncated_image_with_a_clear_message():
    from django.core.exceptions import ValidationError

    from authors.photos import prepare_photo

    with pytest.raises(ValidationError, match="damaged or incomplete"):
        prepare_photo(SimpleUploadedFile("t.jpg", jpeg_with_exif((400, 300))[:1500]))


def test_an_oversized_file_is_a_form_error(editor_client, settings):
    settings.AUTHOR_PHOTO_MAX_BYTES = 10_000
    response = add_author(editor_client, jpeg_with_exif((1200, 1200)))
    assert response.status_code == 200
    assert "photos may be at most" in str(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.filter(slug="photo-author").exists()


def gif_with_frames(frames, size=(200, 200)):
    first, *others = (Image.new("RGB", size, (20 * n % 256, 7 * n, 90)) for n in range(frames))
    buffer = io.BytesIO()
    first.save(buffer, format="GIF", save_all=True, append_images=others)
    return buffer.getvalue()


def test_the_frames_of_an_animation_count(editor_client, settings):
    settings.AUTHOR_PHOTO_MAX_FRAMES = 10
    response = add_author(editor_client, gif_with_frames(12), "spinner.gif")
    assertContains(response, "This animation has 12 frames; at most 10 are accepted")
    settings.AUTHOR_PHOTO_MAX_PIXELS = 100_000  # 200 x 200 is 40,000 a frame
    response = add_author(editor_client, gif_with_frames(10), "spinner.gif")
    assertContains(response, "in 10 frames")
    assert not Author.objects.exists()
    response = add_author(editor_client, gif_with_frames(2), "two.gif")
    assertRedirects(response, AUTHORS, fetch_redirect_response=False)
    assert Author.objects.filter(slug="photo-author").exists()


MEASURE = """
import io, resource, sys
import django
django.setup()
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from authors.photos import prepare_photo
content = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
prepare_photo(SimpleUploadedFile("big.jpg", content))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""


def test_a_36_megapixel_photo_is_decoded_small(tmp_path):
    """Draft mode decodes the JPEG at a fraction of its size: the process grows by a few MB,
    not the 80 MB and more of the whole picture."""
    from tests.processes import run_python

    path = tmp_path / "big.jpg"
    Image.new("RGB", (7360, 4912), (90, 140, 200)).save(path, format="JPEG", quality=80)
    result = run_python(f"import sys; sys.argv = ['x', {str(path)!r}]\n" + MEASURE)
    assert result.returncode == 0, result.stderr
    growth_mb = int(result.stdout.strip().splitlines()[-1])
    assert growth_mb < 30, f"{growth_mb} MB"


@contextmanager
def disk_taking_at_most(size):
    """Writes beyond ``size`` bytes fail as on a full disk (EFBIG instead of a killed process)."""
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, limits[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)


def change_photo(client, author, content):
    return client.post(
        change_url(author),
        {
            "name": author.name,
            "slug": author.slug,
            "credentials": author.credentials,
            "bio": "",
            "photo": SimpleUploadedFile("new.jpg", content),
            "affiliation_links-TOTAL_FORMS": "0",
            "affiliation_links-INITIAL_FORMS": "0",
            "affiliation_links-MIN_NUM_FORMS": "0",
            "affiliation_links-MAX_NUM_FORMS": "1000",
        },
    )


def test_a_full_disk_is_a_form_error_with_no_partial_file_and_the_old_photo_kept(
    editor_client, tmp_path
):
    add_author(editor_client, jpeg_with_exif((300, 300)))
    author = Author.objects.get(slug="photo-author")
    old = (author.photo.name, author.photo_thumbnail.name)
    files_before = sorted(tmp_path.rglob("*.jpg"))
    with disk_taking_at_most(2_000):
        response = change_photo(editor_client, author, jpeg_with_exif((1600, 1200)))
    assertContains(response, "storage is full or not writable")
    author.refresh_from_db()
    assert (author.photo.name, author.photo_thumbnail.name) == old
    assert sorted(tmp_path.rglob("*.jpg")) == files_before


def test_a_media_folder_that_cannot_be_written_is_a_form_error(editor_client, settings, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "authors").write_text("a file where the photos' folder should be")
    settings.MEDIA_ROOT = blocked
    response = add_author(editor_client, jpeg_with_exif((300, 300)))
    assertContains(response, "storage is full or not writable")
    assert not Author.objects.exists()


def save_author(client, author, **fields):
    data = {
        "name": author.name,
        "slug": author.slug,
        "credentials": author.credentials,
        "bio": "",
        "affiliation_links-TOTAL_FORMS": "0",
        "affiliation_links-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(change_url(author), data)


def author_with_photo(client):
    """An author added with a photo, and the paths of its two files."""
    add_author(client, jpeg_with_exif((300, 300)))
    author = Author.objects.get(slug="photo-author")
    return author, {author.photo.path, author.photo_thumbnail.path}


def test_a_replaced_then_removed_photo_leaves_no_file_behind(
    editor_client, tmp_path, django_capture_on_commit_callbacks
):
    author, first = author_with_photo(editor_client)

    with django_capture_on_commit_callbacks(execute=True):
        response = save_author(
            editor_client, author, photo=SimpleUploadedFile("new.jpg", jpeg_with_exif())
        )
    assertRedirects(response, AUTHORS, fetch_redirect_response=False)
    author.refresh_from_db()
    second = {author.photo.path, author.photo_thumbnail.path}
    assert second.isdisjoint(first)
    assert set(map(str, tmp_path.rglob("*.jpg"))) == second

    with django_capture_on_commit_callbacks(execute=True):
        save_author(editor_client, author, **{"photo-clear": "on"})
    author.refresh_from_db()
    assert not author.photo
    assert not list(tmp_path.rglob("*.jpg"))


def test_a_refused_save_keeps_the_photo_it_had(
    editor_client, tmp_path, django_capture_on_commit_callbacks
):
    author, kept = author_with_photo(editor_client)

    with django_capture_on_commit_callbacks(execute=True):
        response = save_author(editor_client, author, name="", **{"photo-clear": "on"})

    assert response.status_code == 200
    author.refresh_from_db()
    assert {author.photo.path, author.photo_thumbnail.path} == kept
    assert all(Path(path).exists() for path in kept)


@pytest.mark.parametrize("stem", ["p" * 72, "p" * 65, "\u00e9" * 90])
def test_a_photo_with_a_long_name_is_stored_under_a_shorter_one(editor_client, stem):
    for _ in range(2):  # the second upload of a name takes a suffix
        response = add_author(editor_client, jpeg_with_exif((300, 300)), filename=f"{stem}.jpg")
        assertRedirects(response, AUTHORS, fetch_redirect_response=False)
        author = Author.objects.get(slug="photo-author")
        assert author.photo.name.startswith("authors/")
        assert len(author.photo_thumbnail.name) <= 100
        assert Path(author.photo_thumbnail.path).exists()
        author.delete()
