"""The signing pipeline: pure, sans-I/O, and the layer everything else builds on.

Each step of the SigV4 spec exists once, in the module named after it
(:mod:`~sigv4.core.canonical`, :mod:`~sigv4.core.keys`, ...); :mod:`~sigv4.core.signer`
runs them for every way to sign.  Nothing here imports from the layers above
(``verify``, ``s3``, ``tokens``, ``providers``, the adapters, the CLI).  The public names
are re-exported by :mod:`sigv4`; this file imports nothing.
"""
