"""Documents and direction (quản lý văn bản và điều hành): registers and numbers, incoming
and outgoing documents, the leader's direction, files in S3 (docs/documents.md)."""
