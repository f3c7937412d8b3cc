"""Alembic migrations of the shipments store (run by :meth:`ShipmentStore.upgrade`)."""
