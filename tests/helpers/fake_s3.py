# ruff: noqa: N803 - the parameters are named as boto3 names them
"""An in-memory S3 client with the few calls the registry service makes.

It raises botocore's real ``ClientError`` with S3's codes, so the service's
error handling is exercised as against S3 itself, including conditional
writes (``IfNoneMatch='*'``).
"""

from __future__ import annotations

import io
import shutil
from typing import Any

from botocore.exceptions import ClientError


def _error(code: str, status: int, operation: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": code},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )


class _Paginator:
    def __init__(self, s3: FakeS3) -> None:
        self.s3 = s3

    def paginate(self, Bucket: str, Prefix: str = "") -> list[dict[str, Any]]:
        keys = sorted(k for (b, k) in self.s3.objects if b == Bucket)
        contents = [{"Key": k} for k in keys if k.startswith(Prefix)]
        return [{"Contents": contents}] if contents else [{}]


class FakeS3:
    """Objects live in a dict keyed by (bucket, key)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.tags: dict[tuple[str, str], str] = {}
        self.puts: list[str] = []
        self.multipart: dict[str, dict[str, Any]] = {}

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        try:
            data = self.objects[(Bucket, Key)]
        except KeyError:
            raise _error("NoSuchKey", 404, "GetObject") from None
        return {"Body": io.BytesIO(data), "ContentLength": len(data)}

    def head_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        try:
            data = self.objects[(Bucket, Key)]
        except KeyError:
            raise _error("404", 404, "HeadObject") from None
        return {"ContentLength": len(data)}

    def put_object(
        self,
        Bucket: str,
        Key: str,
        Body: Any,
        IfNoneMatch: str | None = None,
        Tagging: str = "",
    ) -> dict[str, Any]:
        if IfNoneMatch == "*" and (Bucket, Key) in self.objects:
            raise _error("PreconditionFailed", 412, "PutObject")
        data = Body if isinstance(Body, bytes) else Body.read()
        self.objects[(Bucket, Key)] = data
        if Tagging:
            self.tags[(Bucket, Key)] = Tagging
        self.puts.append(Key)
        return {}

    def delete_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        self.objects.pop((Bucket, Key), None)
        return {}

    def download_file(self, bucket: str, key: str, filename: str) -> None:
        with open(filename, "wb") as sink:
            shutil.copyfileobj(io.BytesIO(self.objects[(bucket, key)]), sink)

    def generate_presigned_url(
        self,
        operation: str,
        Params: dict[str, str],
        ExpiresIn: int,
    ) -> str:
        signed = "".join(
            f"&{name}={value}"
            for name, value in sorted(Params.items())
            if name not in ("Bucket", "Key")
        )
        return (
            f"https://s3.test/{Params['Bucket']}/{Params['Key']}?op={operation}{signed}"
        )

    # -- multipart uploads: parts land in self.parts until completed --

    def create_multipart_upload(self, Bucket: str, Key: str) -> dict[str, Any]:
        upload_id = f"mp-{len(self.multipart) + 1}"
        self.multipart[upload_id] = {"key": (Bucket, Key), "parts": {}}
        return {"UploadId": upload_id}

    def put_part(self, upload_id: str, number: int, data: bytes) -> str:
        """What a client's PUT to a presigned part URL does; returns the ETag."""
        etag = f'"etag-{number}-{len(data)}"'
        self.multipart[upload_id]["parts"][number] = (etag, data)
        return etag

    def list_parts(self, Bucket: str, Key: str, UploadId: str) -> dict[str, Any]:
        parts = self.multipart[UploadId]["parts"]
        return {
            "Parts": [
                {"PartNumber": n, "ETag": etag}
                for n, (etag, _) in sorted(parts.items())
            ]
        }

    def complete_multipart_upload(
        self,
        Bucket: str,
        Key: str,
        UploadId: str,
        MultipartUpload: dict[str, Any],
    ) -> dict[str, Any]:
        parts = self.multipart.pop(UploadId)["parts"]
        data = b""
        for wanted in MultipartUpload["Parts"]:
            etag, chunk = parts[wanted["PartNumber"]]
            if etag != wanted["ETag"]:
                raise _error("InvalidPart", 400, "CompleteMultipartUpload")
            data += chunk
        self.objects[(Bucket, Key)] = data
        return {}

    def abort_multipart_upload(
        self, Bucket: str, Key: str, UploadId: str
    ) -> dict[str, Any]:
        self.multipart.pop(UploadId, None)
        return {}

    def get_paginator(self, name: str) -> _Paginator:
        assert name == "list_objects_v2"
        return _Paginator(self)
