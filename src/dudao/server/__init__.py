"""The supervision information system's service: storage, accounts bound to the
jurisdiction tree, submissions and approval, cases and audit, served as an HTTP API."""
