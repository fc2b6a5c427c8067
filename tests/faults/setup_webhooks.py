# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fault suite, webhooks: a live service whose endpoint is the driver's loopback receiver
(FCB_FAULTS_RECEIVER) and FCB_FAULTS_WEBHOOKS queued webhooks. Run in ``odoo shell``;
prints SERVICE=<id>."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os

COUNT = int(os.environ.get("FCB_FAULTS_WEBHOOKS", "1000"))

env["ir.config_parameter"].set_param(
    "fusion_centralize_billing.webhook_allow_private_endpoints", "1")
service = env["fusion.billing.service"].create({
    "name": "Faults webhooks", "code": "faults_webhooks", "mode": "live",
    "webhook_url": os.environ["FCB_FAULTS_RECEIVER"]})
Webhook = env["fusion.billing.webhook"]
for index in range(COUNT):
    Webhook._fc_enqueue(service, "webhook.test", Webhook, object_type="webhook_test",
                        obj={"index": index})
env.cr.commit()
print(f"SERVICE={service.id}")
