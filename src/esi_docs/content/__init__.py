"""Content: the search path, content files, the sandbox, dates, compose -> Document."""
