-- Neutralized copies (staging, support) must never call the apps nor sign anything they
-- could accept: blank webhook endpoints and secrets, revoke every API key, hold queued
-- webhooks, and put every service back in shadow mode so nothing is billed.
UPDATE fusion_billing_service
   SET webhook_url = NULL,
       webhook_secret = NULL,
       mode = 'shadow';
UPDATE fusion_billing_service_key
   SET state = 'revoked',
       revoked_date = NOW() AT TIME ZONE 'UTC'
 WHERE state = 'active';
UPDATE fusion_billing_webhook
   SET state = 'held',
       last_error = 'Held: database neutralized'
 WHERE state IN ('pending', 'retrying');
UPDATE sale_order
   SET x_fc_shadow = TRUE
 WHERE x_fc_service_id IS NOT NULL;
-- Nor pull from the production Lago organization: forget its key, stop the mirror.
UPDATE fusion_billing_service
   SET lago_api_key = NULL,
       lago_mirror = FALSE;
