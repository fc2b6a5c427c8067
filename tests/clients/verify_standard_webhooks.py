# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Verify deliveries with the official Standard Webhooks library, as a receiving app
would. Reads {"secret", "deliveries": [{"headers", "body"}]} as JSON on stdin and prints
one line per delivery: the verified payload's webhook_type, or the error."""

import json
import sys

from standardwebhooks.webhooks import Webhook


def main():
    data = json.load(sys.stdin)
    webhook = Webhook(data["secret"])
    for delivery in data["deliveries"]:
        headers = {name.lower(): value for name, value in delivery["headers"].items()}
        try:
            payload = webhook.verify(delivery["body"], headers)
            print(f"verified {payload['webhook_type']}")
        except Exception as error:  # noqa: BLE001 - reported to the test
            print(f"refused {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
