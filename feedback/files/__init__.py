"""Where stored files live: one interface, three stores, chosen by PAKN_FILE_STORE.

    store     the interface (put, open for streaming, exists, delete, names older than), the local
              folder (the default) and `store_for(settings)`, the one way to reach the store
    database  files as rows of `file_blob` (PostgreSQL bytea, SQLite blob): every machine that reaches
              the database reaches them, and pg_dump backs them up with the rest
    s3        an S3-compatible object store (boto3, called in a worker thread)
    models    the `file_blob` table

Names are the attachments' storage names (32 random hex digits and the extension of the detected
kind): the store never sees a name chosen by a sender.
"""
