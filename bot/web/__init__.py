"""Loa's ASGI web app: the REST API, channel webhooks, the web chat page, health and metrics."""
