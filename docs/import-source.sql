-- The import wizard's source contract: what fusion_centralize_billing reads of an app's
-- own billing database (NexaCloud's), or of its CSV export (one file per table, these
-- columns as the header row, UTF-8; an empty cell is NULL).
--
-- The wizard reads these three tables, in the schema it is given (default: public),
-- through a read-only session with connect and statement timeouts. Only the columns
-- below are read; other columns are ignored, so a view with these names and columns
-- does as well as a table. Ids may be of any type (they are read as text).
-- Reading is checked before anything is judged: a missing table or column, a failed
-- connection or a query error stops the run with one message naming the problem.

-- A customer of the app: becomes one account link of the service, to the partner that
-- has the same email (compared case-insensitively), or to a new partner.
CREATE TABLE customers (
    id                  text PRIMARY KEY,   -- the app's customer id (the link's external id)
    email               text,               -- matched to an existing partner's email
    name                text,               -- the new partner's name (else the email, else the id)
    stripe_customer_id  text                -- cus_...: owner of the cards below
);

-- The app's prices. Odoo owns the catalogue: plans are not written by the import, they
-- are read for the price of each subscription's cycle (each plan row ends `read`). A
-- subscription maps to the service's Odoo plan whose App Plan Code (or, when it has
-- none, its plan code) is `code` and whose billing period is its cycle (1 month for
-- monthly, 1 year for yearly): one `code` sold monthly and yearly is two Odoo plans with
-- the same App Plan Code, e.g. plan codes pro_monthly and pro_yearly, app code pro.
-- NULL is not zero: a NULL price means the plan has no price for that cycle, and a
-- subscription on it fails; 0.00 is a free plan.
CREATE TABLE plans (
    code           text PRIMARY KEY,
    monthly_price  numeric(12, 2) CHECK (monthly_price >= 0),
    yearly_price   numeric(12, 2) CHECK (yearly_price >= 0)
);

-- A subscription: created once in Odoo (partner, plan and the plan line at the cycle's
-- price, shadow-safe); a re-run rewrites only its app fields (x_fc_*: status, current
-- period, Stripe ids and card), and says on the row what else changed and is not applied
-- (customer, plan, price; a customer's email on the customer's row).
CREATE TABLE subscriptions (
    id                        text PRIMARY KEY,  -- the app's subscription id (external id)
    customer_id               text NOT NULL,     -- customers.id
    plan_code                 text NOT NULL,     -- plans.code
    billing_cycle             text NOT NULL,     -- 'monthly' or 'yearly' (trimmed, any case);
                                                 -- anything else fails the row
    status                    text NOT NULL,     -- active, trialing, past_due, unpaid, paused
                                                 -- are imported; canceled, incomplete,
                                                 -- incomplete_expired are skipped while new
    current_period_start      date,              -- required for the imported statuses;
    current_period_end        date,              -- the Odoo subscription starts on the first
    stripe_subscription_id    text,              -- sub_...
    stripe_payment_method_id  text               -- pm_...: saved as a payment_stripe token
                                                 -- on the partner (brand and last 4 from Stripe)
);

-- ---------------------------------------------------------------------------------
-- Optional, for the dual run: the app's own invoices. When these tables are present
-- the import wizard reads them too, and a service set to read "The app's database"
-- has them re-read every day by the scheduled action "read the apps' own invoices",
-- with the same read-only session. That unattended read takes no password from Odoo's
-- database: libpq finds it in the Odoo server's ~/.pgpass, or in the file named by the
-- PGPASSFILE environment variable of the Odoo process (a line
-- "host:port:dbname:user:password", the file readable by the Odoo user only, mode 0600).
-- A view with these names and columns does as well as a table.

-- One invoice the app billed for one subscription and one service period. `id` is the
-- idempotency key: a changed row replaces the earlier figures (they are kept in Odoo).
CREATE TABLE invoices (
    id               text PRIMARY KEY,   -- the app's invoice id
    subscription_id  text NOT NULL,      -- subscriptions.id (the external subscription id)
    period_start     date NOT NULL,      -- first day of the service period billed
    period_end       date NOT NULL,      -- last day of it (inclusive)
    currency         text NOT NULL,      -- ISO 4217, e.g. CAD
    amount_cents     bigint NOT NULL     -- total before taxes, in cents (plan fee + usage)
);

-- The amounts of an invoice per billable metric. Lines of one metric add up; a line
-- without a metric code (the plan's fee, a one-off) is in the total only.
CREATE TABLE invoice_lines (
    invoice_id            text NOT NULL,  -- invoices.id
    billable_metric_code  text,           -- the metric's code in Odoo, or NULL
    amount_cents          bigint NOT NULL -- before taxes, in cents
);
