import type { ClientBase } from 'pg';

/**
 * The extract contract (docs/ods.md): what the portal reads from a utility's operational data store. A real ODS
 * exposes these relations as views over its own tables; the demo ODS has them as tables. Every row carries a
 * `change_seq` from one sequence, raised on every insert and update, so "what changed since the last extract" is one
 * indexed range scan per relation, whatever the row's business time.
 */
export const ODS_INDEXES_SQL =
  'CREATE INDEX IF NOT EXISTS ix_interval_read_change_seq ON ods.interval_read (change_seq);';

export const ODS_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS ods;
CREATE SEQUENCE IF NOT EXISTS ods.change_seq;

CREATE TABLE IF NOT EXISTS ods.customer (
  customer_id   bigint PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('residential', 'commercial')),
  name          text NOT NULL,
  email         text,
  phone         text,
  status        text NOT NULL DEFAULT 'active',
  change_seq    bigint NOT NULL DEFAULT nextval('ods.change_seq')
);
CREATE TABLE IF NOT EXISTS ods.account (
  account_id     bigint PRIMARY KEY,
  customer_id    bigint NOT NULL REFERENCES ods.customer,
  account_number text NOT NULL UNIQUE,
  billing_cycle  text,
  change_seq     bigint NOT NULL DEFAULT nextval('ods.change_seq')
);
CREATE TABLE IF NOT EXISTS ods.service_location (
  location_id    bigint PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES ods.account,
  street_address text NOT NULL,
  city           text NOT NULL,
  state          text NOT NULL,
  postal_code    text NOT NULL,
  country        text NOT NULL DEFAULT 'US',
  time_zone      text NOT NULL,
  change_seq     bigint NOT NULL DEFAULT nextval('ods.change_seq')
);
CREATE TABLE IF NOT EXISTS ods.meter (
  meter_id        bigint PRIMARY KEY,
  serial_number   text NOT NULL UNIQUE,
  form_number     text,
  interval_length integer NOT NULL CHECK (interval_length > 0),
  change_seq      bigint NOT NULL DEFAULT nextval('ods.change_seq')
);
CREATE TABLE IF NOT EXISTS ods.usage_point (
  usage_point_id bigint PRIMARY KEY,
  location_id    bigint NOT NULL REFERENCES ods.service_location,
  meter_id       bigint NOT NULL REFERENCES ods.meter,
  kind           text NOT NULL CHECK (kind IN ('electricity', 'gas', 'water')),
  name           text NOT NULL,
  -- The code of the tariff the usage point is billed on (the URDB name of a tariff file, e.g. DEMO-TOU).
  tariff         text,
  change_seq     bigint NOT NULL DEFAULT nextval('ods.change_seq')
);
-- One channel = one ESPI ReadingType of a usage point: what is measured, in which unit, at which interval.
CREATE TABLE IF NOT EXISTS ods.channel (
  channel_id       bigint PRIMARY KEY,
  usage_point_id   bigint NOT NULL REFERENCES ods.usage_point,
  flow_direction   smallint NOT NULL CHECK (flow_direction IN (1, 19)),
  uom              smallint NOT NULL,
  power_of_ten     smallint NOT NULL DEFAULT 0,
  interval_length  integer NOT NULL CHECK (interval_length > 0),
  commodity        smallint NOT NULL,
  kind             smallint NOT NULL DEFAULT 12,
  accumulation     smallint NOT NULL DEFAULT 4,
  currency         smallint NOT NULL DEFAULT 840,
  change_seq       bigint NOT NULL DEFAULT nextval('ods.change_seq'),
  UNIQUE (usage_point_id, flow_direction, uom, interval_length)
);
-- No foreign key to channel: checking it per row would double the cost of loading hundreds of millions of reads.
-- value: raw integer in uom × 10^power_of_ten; cost: 1/100000 of the currency; quality: an ESPI QualityOfReading code
-- (8 = estimated, 17 = validated after a correction), NULL when the meter data is simply as measured.
CREATE TABLE IF NOT EXISTS ods.interval_read (
  channel_id   bigint NOT NULL,
  start        timestamptz NOT NULL,
  value        bigint NOT NULL,
  cost         bigint,
  quality      smallint CHECK (quality BETWEEN 0 AND 30),
  received_at  timestamptz NOT NULL DEFAULT now(),
  change_seq   bigint NOT NULL DEFAULT nextval('ods.change_seq'),
  PRIMARY KEY (channel_id, start)
);
${ODS_INDEXES_SQL}
-- A demo ODS created before tariffs existed gets the column.
ALTER TABLE ods.usage_point ADD COLUMN IF NOT EXISTS tariff text;
-- A bill: one billing period [period_start, period_end) of a usage point. amount: 1/100000 of the currency, the sum
-- of its line items; consumption: what its delivered series measured, in uom × 10^power_of_ten.
CREATE TABLE IF NOT EXISTS ods.bill (
  bill_id        bigint PRIMARY KEY,
  usage_point_id bigint NOT NULL REFERENCES ods.usage_point,
  period_start   timestamptz NOT NULL,
  period_end     timestamptz NOT NULL CHECK (period_end > period_start),
  tariff         text NOT NULL,
  amount         bigint NOT NULL,
  consumption    bigint NOT NULL,
  uom            smallint NOT NULL,
  power_of_ten   smallint NOT NULL DEFAULT 0,
  currency       smallint NOT NULL DEFAULT 840,
  issued_at      timestamptz NOT NULL,
  change_seq     bigint NOT NULL DEFAULT nextval('ods.change_seq'),
  UNIQUE (usage_point_id, period_start)
);
-- item_kind: ESPI ItemKind (3 energy usage fee, 4 administrative fee, 5 tax, 6 energy generation credit…); amount
-- and unit_cost in 1/100000 of the currency (unit_cost per unit of quantity); quantity in the bill's uom × 10^power_of_ten.
CREATE TABLE IF NOT EXISTS ods.bill_line_item (
  bill_id        bigint NOT NULL REFERENCES ods.bill,
  line_no        smallint NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('energy', 'fixed', 'credit', 'tax')),
  item_kind      smallint NOT NULL,
  description    text NOT NULL,
  amount         bigint NOT NULL,
  unit_cost      bigint,
  quantity       bigint,
  change_seq     bigint NOT NULL DEFAULT nextval('ods.change_seq'),
  PRIMARY KEY (bill_id, line_no)
);
CREATE INDEX IF NOT EXISTS ix_bill_change_seq ON ods.bill (change_seq);
CREATE INDEX IF NOT EXISTS ix_bill_line_item_change_seq ON ods.bill_line_item (change_seq);

-- An update is a change: it gets a new change_seq (and, for reads, a new received_at) whoever forgets to set one.
CREATE OR REPLACE FUNCTION ods.bump_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.change_seq := nextval('ods.change_seq');
  END IF;
  RETURN NEW;
END $$;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customer', 'account', 'service_location', 'meter', 'usage_point', 'channel', 'interval_read', 'bill', 'bill_line_item'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'bump_change_seq' AND tgrelid = ('ods.' || t)::regclass) THEN
      EXECUTE format('CREATE TRIGGER bump_change_seq BEFORE UPDATE ON ods.%I FOR EACH ROW EXECUTE FUNCTION ods.bump_change_seq()', t);
    END IF;
  END LOOP;
END $$;

-- Written by the demo generator when its transaction commits: the first start seeds only once.
CREATE TABLE IF NOT EXISTS ods.demo_seed (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  customers   integer NOT NULL,
  days        integer NOT NULL,
  seeded_at   timestamptz NOT NULL DEFAULT now()
);
`;

/** Creates the contract's relations where they are missing (the demo ODS, tests); a real ODS brings its own views. */
export async function ensureOdsSchema(client: ClientBase): Promise<void> {
  await client.query(ODS_SCHEMA_SQL);
}
