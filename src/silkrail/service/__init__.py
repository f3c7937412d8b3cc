"""The silkrail web service: a REST API under ``/api/v1`` and an offline web map at ``/``.

Needs the ``service`` extra (``pip install 'silkrail[service]'``); run it with
``silkrail serve``. Configuration comes from ``SILKRAIL_*`` environment variables
(:class:`Settings`), e.g. ``SILKRAIL_DATA`` for the network to serve.
"""

from __future__ import annotations

from silkrail.service.app import API_PREFIX, create_app
from silkrail.service.deps import get_settings
from silkrail.service.schemas import Settings

__all__ = ["API_PREFIX", "Settings", "create_app", "get_settings"]
