"""redactor: find and remove personal data from child-protection Learning Review documents."""

__version__ = "0.1.0"
