"""Quality measurements on labelled corpora: extraction, retrieval and PII redaction."""
