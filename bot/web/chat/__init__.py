"""The web chat page: one small accessible page, no external resources, usable without JavaScript."""
