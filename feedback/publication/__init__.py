"""Publishing answered feedback: redaction of personal data and the public list."""
