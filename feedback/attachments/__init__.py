"""Attachments of submissions and answers: at most 5 files of 10 MB, JPEG, PNG, PDF, DOCX or XLSX by
their bytes, stored under random names outside any served folder, downloaded only by those who may
see the item.

    sniff     what a file is, from its bytes (pure)
    storage   files being received (random names in the upload folder), names for display and download
    uploads   reading JSON or multipart bodies, checking each file as it arrives
    services  the rows: written in the item's or answer's transaction, listed, found for download
    api       the download endpoints
    transfer  `pakn files migrate`: every attachment's file copied to another store, verified

Where the files are kept (the upload folder, the database or S3) is feedback.files' concern.
"""
