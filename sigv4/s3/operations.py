"""The S3 operations sigv4 can presign, as S3's API model (botocore 1.44.8's
``s3/2006-03-01/service-2.json``) describes them: HTTP method, URI template,
required members, and where each member goes.

Generated from the model (with botocore's ``service-2.sdk-extras.json`` merged: ``Expires``
is a timestamp) and checked against it by ``tests/test_s3_presign_model.py``;
kept as plain strings so importing it costs nothing (no json, no parsing until
an operation is first used).

``MEMBERS`` maps a member name to ``"<location> <wire name> <type>"``:

* location: ``p`` URI path label, ``q`` query string, ``h`` header, ``H``
  header map (prefix, e.g. ``x-amz-meta-``), ``b`` request body (payload);
* type: ``s`` string (``s1`` = at least 1 character), ``i`` integer (``i1`` = at
  least 1), ``b``
  boolean, ``t<format>`` timestamp (``rfc822``/``iso8601``), ``m`` map of
  strings, ``l`` list of strings, ``B`` blob, ``S`` structure.

``OPERATIONS`` maps a client method to ``(operation name, HTTP method, URI
template, required members, members)``; a member written ``Name=loc:wire:type``
overrides the common ``MEMBERS`` entry for that operation.
"""

from __future__ import annotations

__all__ = ["MEMBERS", "OPERATIONS", "Member", "Operation", "operation"]

MEMBERS: dict[str, str] = {
    "ACL": "h x-amz-acl s",
    "AnnotationDirective": "h x-amz-object-annotation-directive s",
    "Body": "b - B",
    "Bucket": "p Bucket s",
    "BucketKeyEnabled": "h x-amz-server-side-encryption-bucket-key-enabled b",
    "BucketNamespace": "h x-amz-bucket-namespace s",
    "BucketRegion": "q bucket-region s",
    "BypassGovernanceRetention": "h x-amz-bypass-governance-retention b",
    "CacheControl": "h Cache-Control s",
    "ChecksumAlgorithm": "h x-amz-sdk-checksum-algorithm s",
    "ChecksumCRC32": "h x-amz-checksum-crc32 s",
    "ChecksumCRC32C": "h x-amz-checksum-crc32c s",
    "ChecksumCRC64NVME": "h x-amz-checksum-crc64nvme s",
    "ChecksumMD5": "h x-amz-checksum-md5 s",
    "ChecksumMode": "h x-amz-checksum-mode s",
    "ChecksumSHA1": "h x-amz-checksum-sha1 s",
    "ChecksumSHA256": "h x-amz-checksum-sha256 s",
    "ChecksumSHA512": "h x-amz-checksum-sha512 s",
    "ChecksumType": "h x-amz-checksum-type s",
    "ChecksumXXHASH128": "h x-amz-checksum-xxhash128 s",
    "ChecksumXXHASH3": "h x-amz-checksum-xxhash3 s",
    "ChecksumXXHASH64": "h x-amz-checksum-xxhash64 s",
    "ContentDisposition": "h Content-Disposition s",
    "ContentEncoding": "h Content-Encoding s",
    "ContentLanguage": "h Content-Language s",
    "ContentLength": "h Content-Length i",
    "ContentMD5": "h Content-MD5 s",
    "ContentType": "h Content-Type s",
    "ContinuationToken": "q continuation-token s",
    "CopySource": "h x-amz-copy-source s",
    "CopySourceIfMatch": "h x-amz-copy-source-if-match s",
    "CopySourceIfModifiedSince": "h x-amz-copy-source-if-modified-since trfc822",
    "CopySourceIfNoneMatch": "h x-amz-copy-source-if-none-match s",
    "CopySourceIfUnmodifiedSince": "h x-amz-copy-source-if-unmodified-since trfc822",
    "CopySourceRange": "h x-amz-copy-source-range s",
    "CopySourceSSECustomerAlgorithm": "h x-amz-copy-source-server-side-encryption-customer-algorithm s",
    "CopySourceSSECustomerKey": "h x-amz-copy-source-server-side-encryption-customer-key s",
    "CopySourceSSECustomerKeyMD5": "h x-amz-copy-source-server-side-encryption-customer-key-MD5 s",
    "CreateBucketConfiguration": "b CreateBucketConfiguration S",
    "Delimiter": "q delimiter s",
    "EncodingType": "q encoding-type s",
    "ExpectedBucketOwner": "h x-amz-expected-bucket-owner s",
    "ExpectedSourceBucketOwner": "h x-amz-source-expected-bucket-owner s",
    "Expires": "h Expires trfc822",
    "FetchOwner": "q fetch-owner b",
    "GrantFullControl": "h x-amz-grant-full-control s",
    "GrantRead": "h x-amz-grant-read s",
    "GrantReadACP": "h x-amz-grant-read-acp s",
    "GrantWrite": "h x-amz-grant-write s",
    "GrantWriteACP": "h x-amz-grant-write-acp s",
    "IfMatch": "h If-Match s",
    "IfMatchInitiatedTime": "h x-amz-if-match-initiated-time trfc822",
    "IfMatchLastModifiedTime": "h x-amz-if-match-last-modified-time trfc822",
    "IfMatchSize": "h x-amz-if-match-size i",
    "IfModifiedSince": "h If-Modified-Since trfc822",
    "IfNoneMatch": "h If-None-Match s",
    "IfUnmodifiedSince": "h If-Unmodified-Since trfc822",
    "Key": "p Key s1",
    "KeyMarker": "q key-marker s",
    "MFA": "h x-amz-mfa s",
    "Marker": "q marker s",
    "MaxBuckets": "q max-buckets i1",
    "MaxKeys": "q max-keys i",
    "MaxParts": "q max-parts i",
    "MaxUploads": "q max-uploads i",
    "Metadata": "H x-amz-meta- m",
    "MetadataDirective": "h x-amz-metadata-directive s",
    "MpuObjectSize": "h x-amz-mp-object-size i",
    "MultipartUpload": "b CompleteMultipartUpload S",
    "ObjectLockEnabledForBucket": "h x-amz-bucket-object-lock-enabled b",
    "ObjectLockEventHold": "h x-amz-object-lock-event-hold s",
    "ObjectLockEventHoldDurationDays": "h x-amz-object-lock-event-hold-duration-days i",
    "ObjectLockEventHoldDurationYears": "h x-amz-object-lock-event-hold-duration-years i",
    "ObjectLockLegalHoldStatus": "h x-amz-object-lock-legal-hold s",
    "ObjectLockMode": "h x-amz-object-lock-mode s",
    "ObjectLockRetainUntilDate": "h x-amz-object-lock-retain-until-date tiso8601",
    "ObjectOwnership": "h x-amz-object-ownership s",
    "OptionalObjectAttributes": "h x-amz-optional-object-attributes l",
    "PartNumber": "q partNumber i",
    "PartNumberMarker": "q part-number-marker i",
    "Prefix": "q prefix s",
    "Range": "h Range s",
    "RequestPayer": "h x-amz-request-payer s",
    "ResponseCacheControl": "q response-cache-control s",
    "ResponseContentDisposition": "q response-content-disposition s",
    "ResponseContentEncoding": "q response-content-encoding s",
    "ResponseContentLanguage": "q response-content-language s",
    "ResponseContentType": "q response-content-type s",
    "ResponseExpires": "q response-expires trfc822",
    "RestoreRequest": "b RestoreRequest S",
    "SSECustomerAlgorithm": "h x-amz-server-side-encryption-customer-algorithm s",
    "SSECustomerKey": "h x-amz-server-side-encryption-customer-key s",
    "SSECustomerKeyMD5": "h x-amz-server-side-encryption-customer-key-MD5 s",
    "SSEKMSEncryptionContext": "h x-amz-server-side-encryption-context s",
    "SSEKMSKeyId": "h x-amz-server-side-encryption-aws-kms-key-id s",
    "ServerSideEncryption": "h x-amz-server-side-encryption s",
    "StartAfter": "q start-after s",
    "StorageClass": "h x-amz-storage-class s",
    "Tagging": "h x-amz-tagging s",
    "TaggingDirective": "h x-amz-tagging-directive s",
    "UploadId": "q uploadId s",
    "UploadIdMarker": "q upload-id-marker s",
    "VersionId": "q versionId s",
    "VersionIdMarker": "q version-id-marker s",
    "WebsiteRedirectLocation": "h x-amz-website-redirect-location s",
    "WriteOffsetBytes": "h x-amz-write-offset-bytes i",
}

OPERATIONS: dict[str, tuple[str, str, str, str, str]] = {
    "get_object": (
        "GetObject",
        "GET",
        "/{Bucket}/{Key+}",
        "Bucket Key",
        "Bucket IfMatch IfModifiedSince IfNoneMatch IfUnmodifiedSince Key Range "
        "ResponseCacheControl ResponseContentDisposition ResponseContentEncoding "
        "ResponseContentLanguage ResponseContentType ResponseExpires VersionId SSECustomerAlgorithm "
        "SSECustomerKey SSECustomerKeyMD5 RequestPayer PartNumber ExpectedBucketOwner ChecksumMode",
    ),
    "put_object": (
        "PutObject",
        "PUT",
        "/{Bucket}/{Key+}",
        "Bucket Key",
        "ACL Body Bucket CacheControl ContentDisposition ContentEncoding ContentLanguage "
        "ContentLength ContentMD5 ContentType ChecksumAlgorithm ChecksumCRC32 ChecksumCRC32C "
        "ChecksumCRC64NVME ChecksumSHA1 ChecksumSHA256 ChecksumSHA512 ChecksumMD5 ChecksumXXHASH64 "
        "ChecksumXXHASH3 ChecksumXXHASH128 Expires IfMatch IfNoneMatch GrantFullControl GrantRead "
        "GrantReadACP GrantWriteACP Key WriteOffsetBytes Metadata ServerSideEncryption StorageClass "
        "WebsiteRedirectLocation SSECustomerAlgorithm SSECustomerKey SSECustomerKeyMD5 SSEKMSKeyId "
        "SSEKMSEncryptionContext BucketKeyEnabled RequestPayer Tagging ObjectLockMode "
        "ObjectLockRetainUntilDate ObjectLockLegalHoldStatus ObjectLockEventHold "
        "ObjectLockEventHoldDurationDays ObjectLockEventHoldDurationYears ExpectedBucketOwner",
    ),
    "head_object": (
        "HeadObject",
        "HEAD",
        "/{Bucket}/{Key+}",
        "Bucket Key",
        "Bucket IfMatch IfModifiedSince IfNoneMatch IfUnmodifiedSince Key Range "
        "ResponseCacheControl ResponseContentDisposition ResponseContentEncoding "
        "ResponseContentLanguage ResponseContentType ResponseExpires VersionId SSECustomerAlgorithm "
        "SSECustomerKey SSECustomerKeyMD5 RequestPayer PartNumber ExpectedBucketOwner ChecksumMode",
    ),
    "delete_object": (
        "DeleteObject",
        "DELETE",
        "/{Bucket}/{Key+}",
        "Bucket Key",
        "Bucket Key MFA VersionId RequestPayer BypassGovernanceRetention ExpectedBucketOwner "
        "IfMatch IfMatchLastModifiedTime IfMatchSize",
    ),
    "copy_object": (
        "CopyObject",
        "PUT",
        "/{Bucket}/{Key+}",
        "Bucket CopySource Key",
        "ACL Bucket CacheControl ChecksumAlgorithm=h:x-amz-checksum-algorithm:s ContentDisposition "
        "ContentEncoding ContentLanguage ContentType CopySource CopySourceIfMatch "
        "CopySourceIfModifiedSince CopySourceIfNoneMatch CopySourceIfUnmodifiedSince Expires "
        "GrantFullControl GrantRead GrantReadACP GrantWriteACP IfMatch IfNoneMatch Key Metadata "
        "MetadataDirective TaggingDirective AnnotationDirective ServerSideEncryption StorageClass "
        "WebsiteRedirectLocation SSECustomerAlgorithm SSECustomerKey SSECustomerKeyMD5 SSEKMSKeyId "
        "SSEKMSEncryptionContext BucketKeyEnabled CopySourceSSECustomerAlgorithm "
        "CopySourceSSECustomerKey CopySourceSSECustomerKeyMD5 RequestPayer Tagging ObjectLockMode "
        "ObjectLockRetainUntilDate ObjectLockLegalHoldStatus ObjectLockEventHold "
        "ObjectLockEventHoldDurationDays ObjectLockEventHoldDurationYears ExpectedBucketOwner "
        "ExpectedSourceBucketOwner",
    ),
    "restore_object": (
        "RestoreObject",
        "POST",
        "/{Bucket}/{Key+}?restore",
        "Bucket Key",
        "Bucket Key VersionId RestoreRequest RequestPayer ChecksumAlgorithm ExpectedBucketOwner",
    ),
    "get_object_tagging": (
        "GetObjectTagging",
        "GET",
        "/{Bucket}/{Key+}?tagging",
        "Bucket Key",
        "Bucket Key VersionId ExpectedBucketOwner RequestPayer",
    ),
    "put_object_tagging": (
        "PutObjectTagging",
        "PUT",
        "/{Bucket}/{Key+}?tagging",
        "Bucket Key Tagging",
        "Bucket Key VersionId ContentMD5 ChecksumAlgorithm Tagging=b:Tagging:S ExpectedBucketOwner RequestPayer",
    ),
    "get_object_acl": (
        "GetObjectAcl",
        "GET",
        "/{Bucket}/{Key+}?acl",
        "Bucket Key",
        "Bucket Key VersionId RequestPayer ExpectedBucketOwner",
    ),
    "create_multipart_upload": (
        "CreateMultipartUpload",
        "POST",
        "/{Bucket}/{Key+}?uploads",
        "Bucket Key",
        "ACL Bucket CacheControl ContentDisposition ContentEncoding ContentLanguage ContentType "
        "Expires GrantFullControl GrantRead GrantReadACP GrantWriteACP Key Metadata "
        "ServerSideEncryption StorageClass WebsiteRedirectLocation SSECustomerAlgorithm "
        "SSECustomerKey SSECustomerKeyMD5 SSEKMSKeyId SSEKMSEncryptionContext BucketKeyEnabled "
        "RequestPayer Tagging ObjectLockMode ObjectLockRetainUntilDate ObjectLockLegalHoldStatus "
        "ObjectLockEventHold ObjectLockEventHoldDurationDays ObjectLockEventHoldDurationYears "
        "ExpectedBucketOwner ChecksumAlgorithm=h:x-amz-checksum-algorithm:s ChecksumType",
    ),
    "upload_part": (
        "UploadPart",
        "PUT",
        "/{Bucket}/{Key+}",
        "Bucket Key PartNumber UploadId",
        "Body Bucket ContentLength ContentMD5 ChecksumAlgorithm ChecksumCRC32 ChecksumCRC32C "
        "ChecksumCRC64NVME ChecksumSHA1 ChecksumSHA256 ChecksumSHA512 ChecksumMD5 ChecksumXXHASH64 "
        "ChecksumXXHASH3 ChecksumXXHASH128 Key PartNumber UploadId SSECustomerAlgorithm "
        "SSECustomerKey SSECustomerKeyMD5 RequestPayer ExpectedBucketOwner",
    ),
    "upload_part_copy": (
        "UploadPartCopy",
        "PUT",
        "/{Bucket}/{Key+}",
        "Bucket CopySource Key PartNumber UploadId",
        "Bucket CopySource CopySourceIfMatch CopySourceIfModifiedSince CopySourceIfNoneMatch "
        "CopySourceIfUnmodifiedSince CopySourceRange Key PartNumber UploadId SSECustomerAlgorithm "
        "SSECustomerKey SSECustomerKeyMD5 CopySourceSSECustomerAlgorithm CopySourceSSECustomerKey "
        "CopySourceSSECustomerKeyMD5 RequestPayer ExpectedBucketOwner ExpectedSourceBucketOwner",
    ),
    "complete_multipart_upload": (
        "CompleteMultipartUpload",
        "POST",
        "/{Bucket}/{Key+}",
        "Bucket Key UploadId",
        "Bucket Key MultipartUpload UploadId ChecksumCRC32 ChecksumCRC32C ChecksumCRC64NVME "
        "ChecksumSHA1 ChecksumSHA256 ChecksumSHA512 ChecksumMD5 ChecksumXXHASH64 ChecksumXXHASH3 "
        "ChecksumXXHASH128 ChecksumType MpuObjectSize RequestPayer ExpectedBucketOwner IfMatch "
        "IfNoneMatch SSECustomerAlgorithm SSECustomerKey SSECustomerKeyMD5",
    ),
    "abort_multipart_upload": (
        "AbortMultipartUpload",
        "DELETE",
        "/{Bucket}/{Key+}",
        "Bucket Key UploadId",
        "Bucket Key UploadId RequestPayer ExpectedBucketOwner IfMatchInitiatedTime",
    ),
    "list_parts": (
        "ListParts",
        "GET",
        "/{Bucket}/{Key+}",
        "Bucket Key UploadId",
        "Bucket Key MaxParts PartNumberMarker UploadId RequestPayer ExpectedBucketOwner "
        "SSECustomerAlgorithm SSECustomerKey SSECustomerKeyMD5",
    ),
    "list_objects": (
        "ListObjects",
        "GET",
        "/{Bucket}",
        "Bucket",
        "Bucket Delimiter EncodingType Marker MaxKeys Prefix RequestPayer ExpectedBucketOwner OptionalObjectAttributes",
    ),
    "list_objects_v2": (
        "ListObjectsV2",
        "GET",
        "/{Bucket}?list-type=2",
        "Bucket",
        "Bucket Delimiter EncodingType MaxKeys Prefix ContinuationToken FetchOwner StartAfter "
        "RequestPayer ExpectedBucketOwner OptionalObjectAttributes",
    ),
    "list_object_versions": (
        "ListObjectVersions",
        "GET",
        "/{Bucket}?versions",
        "Bucket",
        "Bucket Delimiter EncodingType KeyMarker MaxKeys Prefix VersionIdMarker ExpectedBucketOwner "
        "RequestPayer OptionalObjectAttributes",
    ),
    "list_multipart_uploads": (
        "ListMultipartUploads",
        "GET",
        "/{Bucket}?uploads",
        "Bucket",
        "Bucket Delimiter EncodingType KeyMarker MaxUploads Prefix UploadIdMarker ExpectedBucketOwner RequestPayer",
    ),
    "list_buckets": ("ListBuckets", "GET", "/", "", "MaxBuckets ContinuationToken Prefix BucketRegion"),
    "create_bucket": (
        "CreateBucket",
        "PUT",
        "/{Bucket}",
        "Bucket",
        "ACL Bucket CreateBucketConfiguration GrantFullControl GrantRead GrantReadACP GrantWrite "
        "GrantWriteACP ObjectLockEnabledForBucket ObjectOwnership BucketNamespace",
    ),
    "delete_bucket": ("DeleteBucket", "DELETE", "/{Bucket}", "Bucket", "Bucket ExpectedBucketOwner"),
    "head_bucket": ("HeadBucket", "HEAD", "/{Bucket}", "Bucket", "Bucket ExpectedBucketOwner"),
    "get_bucket_location": ("GetBucketLocation", "GET", "/{Bucket}?location", "Bucket", "Bucket ExpectedBucketOwner"),
}


class Member:
    """One input member of an operation."""

    __slots__ = ("location", "min_length", "name", "timestamp_format", "type", "wire")

    def __init__(self, name: str, spec: str) -> None:
        location, wire, kind = spec.replace(":", " ").split(" ")
        self.name = name
        self.location = location
        self.wire = "" if wire == "-" else wire
        self.type = kind[0]
        self.timestamp_format = kind[1:] if self.type == "t" else ""
        # Minimum length (strings) or minimum value (integers), as botocore validates.
        self.min_length = int(kind[1:]) if self.type in ("s", "i") and len(kind) > 1 else 0

    def __repr__(self) -> str:
        return f"Member({self.name!r}, location={self.location!r}, wire={self.wire!r}, type={self.type!r})"


class Operation:
    """One operation: ``name`` (e.g. ``GetObject``), ``method``, ``path``
    (the URI template's path), ``literal_query`` (the template's fixed query,
    e.g. ``uploads`` or ``list-type=2``), ``required`` and ``members``."""

    __slots__ = ("literal_pair", "literal_query", "members", "method", "name", "path", "required", "required_fields", "uri")

    def __init__(self, spec: tuple[str, str, str, str, str]) -> None:
        name, method, uri, required, members = spec
        self.name = name
        self.method = method
        self.uri = uri
        path, _, query = uri.partition("?")
        self.path = path
        self.literal_query = query
        #: The fixed query as a (name, value) pair (``uploads`` -> ``("uploads", "")``), or None.
        key, _, value = query.partition("=")
        self.literal_pair = (key, value) if query else None
        self.required = tuple(required.split())
        table: dict[str, Member] = {}
        for entry in members.split():
            member_name, sep, override = entry.partition("=")
            table[member_name] = Member(member_name, override if sep else MEMBERS[member_name])
        self.members = table
        #: Required members a presign call must pass (body members are sent by the uploader).
        self.required_fields = tuple(r for r in self.required if table[r].location != "b")

    def __repr__(self) -> str:
        return f"Operation({self.name!r}, {self.method} {self.uri})"


_CACHE: dict[str, Operation] = {}


def operation(client_method: str) -> Operation | None:
    """The :class:`Operation` for a boto3 client method name, or ``None``."""
    op = _CACHE.get(client_method)
    if op is None:
        spec = OPERATIONS.get(client_method)
        if spec is None:
            return None
        op = _CACHE[client_method] = Operation(spec)
    return op
