"""boto3-compatible exception names, all subclasses of :class:`sigv4.SigningError`.

Code written against botocore ports by changing one import::

    from botocore.exceptions import ClientError, ParamValidationError   # before
    from sigv4.exceptions import ClientError, ParamValidationError      # after

Every class keeps botocore's message format and attributes (``.response`` and
``.operation_name`` on :class:`ClientError`, ``.kwargs['report']`` on
:class:`ParamValidationError`), and also carries sigv4's ``.field``/``.rule``.
No message ever contains a secret key.  The classes are defined with the rest of
the hierarchy, in :mod:`sigv4.core.errors`.
"""

from __future__ import annotations

from .core.errors import (
    ClientError,
    EndpointResolutionError,
    InvalidConfigError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ServiceError,
    SigningError,
    UnknownClientMethodError,
    UnknownServiceError,
)

__all__ = [
    "ClientError",
    "EndpointResolutionError",
    "InvalidConfigError",
    "NoCredentialsError",
    "NoRegionError",
    "ParamValidationError",
    "PartialCredentialsError",
    "ProfileNotFound",
    "ServiceError",
    "SigningError",
    "UnknownClientMethodError",
    "UnknownServiceError",
]
