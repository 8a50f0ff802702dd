"""Keeps receivers' addresses out of the logs.

The token in /hooks/<token>/ is what lets a store deliver to a cart (with the secret header), so the request logs —
Django's lines for 4xx answers, the development server's and gunicorn's access logs — show /hooks/…/ instead.
"""
from __future__ import annotations

import logging
import re

RECEIVER_ADDRESS = re.compile(r"(/hooks/)[^/?#\s\"']+")


def receiver_addresses_redacted(text: str) -> str:
    return RECEIVER_ADDRESS.sub(r"\1…", text)


class ReceiverAddressFilter(logging.Filter):
    """On a handler: every record it writes has receiver tokens replaced, in its message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = receiver_addresses_redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(receiver_addresses_redacted(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: receiver_addresses_redacted(value) if isinstance(value, str) else value
                           for key, value in record.args.items()}
        return True
