"""Payload shapes of a server's JSON: this file documents none of its TypedDicts."""

from typing import TypedDict


class PartT(TypedDict):
    partNumber: int
    etag: str


class UploadResponse(TypedDict):
    url: str


class ErrorResponse(TypedDict):
    error: str


class StatusResponse(TypedDict):
    stage: str


class EventArgs(TypedDict):
    id: str
    type: str


class Uploader:
    """TODO: describe."""

    def upload(self, part: PartT) -> UploadResponse:
        """TODO: describe.

        Args:
            part (PartT): TODO: describe.

        Returns:
            UploadResponse: TODO: describe.
        """
        return {"url": part["etag"]}
