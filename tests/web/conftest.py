"""The web tests run against the same live app as the channel tests."""

from tests.channels.conftest import fakes, loa, loa_settings, telegram_api, zalo_bot_api, zalo_oa_api

__all__ = ["fakes", "loa", "loa_settings", "telegram_api", "zalo_bot_api", "zalo_oa_api"]
