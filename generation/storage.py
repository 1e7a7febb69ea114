"""Media files in GridFS, in the project's own MongoDB: web and worker machines share nothing else."""

import mimetypes
import posixpath
from datetime import UTC

import gridfs
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import connections
from django.urls import reverse
from django.utils.deconstruct import deconstructible

BUCKET = "media"


@deconstructible
class GridFSStorage(Storage):
    """A Django storage whose files are GridFS files named by their path."""

    def __init__(self, alias: str = "default", bucket: str = BUCKET):
        self.alias = alias
        self.bucket_name = bucket

    @property
    def bucket(self) -> gridfs.GridFSBucket:
        return gridfs.GridFSBucket(connections[self.alias].database, bucket_name=self.bucket_name)

    def _latest(self, name: str):
        return (
            self.bucket.find({"filename": name}).sort("uploadDate", -1).limit(1).next() if self.exists(name) else None
        )

    def _open(self, name, mode="rb"):
        if "w" in mode:
            raise ValueError("GridFS files are written with save(), not opened for writing.")
        try:
            stream = self.bucket.open_download_stream_by_name(name)
        except gridfs.errors.NoFile:
            raise FileNotFoundError(f"No media file named {name!r}.") from None
        return File(stream, name=name)

    def _save(self, name, content):
        content_type = (
            getattr(content, "content_type", None) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        if hasattr(content, "seek"):
            content.seek(0)
        self.bucket.upload_from_stream(name, content, metadata={"content_type": content_type})
        return name

    def delete(self, name):
        for stored in self.bucket.find({"filename": name}):
            self.bucket.delete(stored._id)

    def exists(self, name):
        return (
            connections[self.alias].database[f"{self.bucket_name}.files"].find_one({"filename": name}, {"_id": 1})
            is not None
        )

    def size(self, name):
        stored = self._latest(name)
        if stored is None:
            raise FileNotFoundError(name)
        return stored.length

    def url(self, name):
        return reverse("media", args=[name])

    def get_modified_time(self, name):
        stored = self._latest(name)
        if stored is None:
            raise FileNotFoundError(name)
        return stored.upload_date.replace(tzinfo=UTC)

    def listdir(self, path):
        prefix = path.rstrip("/") + "/" if path else ""
        names = [stored.filename for stored in self.bucket.find({"filename": {"$regex": f"^{prefix}"}})]
        rests = {name[len(prefix) :] for name in names}
        directories = sorted({rest.split("/", 1)[0] for rest in rests if "/" in rest})
        files = sorted(rest for rest in rests if "/" not in rest)
        return directories, files

    def get_available_name(self, name, max_length=None):
        name = posixpath.normpath(name).lstrip("/")
        return super().get_available_name(name, max_length=max_length)
