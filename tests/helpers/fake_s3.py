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

    def paginate(self, Bucket: str, Prefix: str = "") -> list[dict[str, Any]]:  # noqa: N803
        keys = sorted(k for (b, k) in self.s3.objects if b == Bucket)
        contents = [{"Key": k} for k in keys if k.startswith(Prefix)]
        return [{"Contents": contents}] if contents else [{}]


class FakeS3:
    """Objects live in a dict keyed by (bucket, key)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.puts: list[str] = []

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        try:
            data = self.objects[(Bucket, Key)]
        except KeyError:
            raise _error("NoSuchKey", 404, "GetObject") from None
        return {"Body": io.BytesIO(data), "ContentLength": len(data)}

    def head_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        try:
            data = self.objects[(Bucket, Key)]
        except KeyError:
            raise _error("404", 404, "HeadObject") from None
        return {"ContentLength": len(data)}

    def put_object(
        self,
        Bucket: str,  # noqa: N803
        Key: str,  # noqa: N803
        Body: Any,  # noqa: N803
        IfNoneMatch: str | None = None,  # noqa: N803
    ) -> dict[str, Any]:
        if IfNoneMatch == "*" and (Bucket, Key) in self.objects:
            raise _error("PreconditionFailed", 412, "PutObject")
        data = Body if isinstance(Body, bytes) else Body.read()
        self.objects[(Bucket, Key)] = data
        self.puts.append(Key)
        return {}

    def delete_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        self.objects.pop((Bucket, Key), None)
        return {}

    def download_file(self, bucket: str, key: str, filename: str) -> None:
        with open(filename, "wb") as sink:
            shutil.copyfileobj(io.BytesIO(self.objects[(bucket, key)]), sink)

    def generate_presigned_url(
        self,
        operation: str,
        Params: dict[str, str],  # noqa: N803
        ExpiresIn: int,  # noqa: N803
    ) -> str:
        signed = "".join(
            f"&{name}={value}"
            for name, value in sorted(Params.items())
            if name not in ("Bucket", "Key")
        )
        return (
            f"https://s3.test/{Params['Bucket']}/{Params['Key']}?op={operation}{signed}"
        )

    def get_paginator(self, name: str) -> _Paginator:
        assert name == "list_objects_v2"
        return _Paginator(self)
