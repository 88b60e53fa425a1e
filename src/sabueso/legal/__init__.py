"""Requests to providers: the provider directory, requests and their validation, deadlines,
documents (issue 6). Providers, countries and document templates are data files under
``legal/data``; a workspace may add or override them in ``<home>/providers``,
``<home>/countries`` and ``<home>/templates``."""
