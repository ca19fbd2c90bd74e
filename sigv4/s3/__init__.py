"""The boto3-shaped S3 client: addressing, presigned URLs, POST policies and the upload form."""
