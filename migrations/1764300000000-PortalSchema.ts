import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written because TypeORM cannot express partitioning, NULLS NOT DISTINCT or partial unique indexes with the
// names we want; test/schema/migrations.test.ts proves the entities still agree with this DDL.

// Rows upserted from another system by its key (src/entities/sourced-record.ts).
const sourced = `source_system text NOT NULL, external_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()`;

export class PortalSchema1764300000000 implements MigrationInterface {
  name = 'PortalSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer (
        id bigint GENERATED ALWAYS AS IDENTITY,
        kind text,
        status text,
        name text,
        email text,
        phone text,
        ${sourced},
        CONSTRAINT pk_customer PRIMARY KEY (id),
        CONSTRAINT uq_customer_source UNIQUE (source_system, external_id)
      )`);

    await q.query(`
      CREATE TABLE customer_account (
        id bigint GENERATED ALWAYS AS IDENTITY,
        customer_id bigint NOT NULL,
        account_number text,
        name text,
        billing_cycle text,
        ${sourced},
        CONSTRAINT pk_customer_account PRIMARY KEY (id),
        CONSTRAINT uq_customer_account_source UNIQUE (source_system, external_id),
        CONSTRAINT fk_customer_account_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_customer_account_customer ON customer_account (customer_id)`);

    await q.query(`
      CREATE TABLE service_location (
        id bigint GENERATED ALWAYS AS IDENTITY,
        street_address text,
        street_address2 text,
        city text,
        state_or_province text,
        postal_code text,
        country text,
        latitude numeric(9,6),
        longitude numeric(9,6),
        time_zone text,
        ${sourced},
        CONSTRAINT pk_service_location PRIMARY KEY (id),
        CONSTRAINT uq_service_location_source UNIQUE (source_system, external_id)
      )`);

    await q.query(`
      CREATE TABLE usage_point (
        id bigint GENERATED ALWAYS AS IDENTITY,
        customer_account_id bigint,
        service_location_id bigint,
        service_category_kind smallint NOT NULL,
        status smallint,
        role_flags text,
        name text,
        description text,
        time_zone text,
        tz_offset integer,
        dst_offset integer,
        dst_start_rule text,
        dst_end_rule text,
        ${sourced},
        CONSTRAINT pk_usage_point PRIMARY KEY (id),
        CONSTRAINT uq_usage_point_source UNIQUE (source_system, external_id),
        CONSTRAINT fk_usage_point_customer_account FOREIGN KEY (customer_account_id)
          REFERENCES customer_account (id) ON DELETE SET NULL,
        CONSTRAINT fk_usage_point_service_location FOREIGN KEY (service_location_id)
          REFERENCES service_location (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX ix_usage_point_customer_account ON usage_point (customer_account_id)`);
    await q.query(`CREATE INDEX ix_usage_point_service_location ON usage_point (service_location_id)`);

    await q.query(`
      CREATE TABLE meter (
        id bigint GENERATED ALWAYS AS IDENTITY,
        usage_point_id bigint,
        serial_number text,
        form_number text,
        interval_length integer,
        ${sourced},
        CONSTRAINT pk_meter PRIMARY KEY (id),
        CONSTRAINT uq_meter_source UNIQUE (source_system, external_id),
        CONSTRAINT fk_meter_usage_point FOREIGN KEY (usage_point_id) REFERENCES usage_point (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX ix_meter_usage_point ON meter (usage_point_id)`);

    // NULLS NOT DISTINCT (PostgreSQL 15+): most feeds leave many codes out, and two reading types that both omit
    // e.g. phase must still collide, or every re-import would create a new reading type.
    await q.query(`
      CREATE TABLE reading_type (
        id bigint GENERATED ALWAYS AS IDENTITY,
        accumulation_behaviour smallint,
        aggregate smallint,
        argument_numerator bigint,
        argument_denominator bigint,
        commodity smallint,
        consumption_tier smallint,
        cpp smallint,
        currency smallint,
        data_qualifier smallint,
        default_quality smallint,
        flow_direction smallint,
        interharmonic_numerator bigint,
        interharmonic_denominator bigint,
        interval_length integer,
        kind smallint,
        measuring_period smallint,
        phase smallint,
        power_of_ten_multiplier smallint,
        time_attribute smallint,
        tou smallint,
        uom smallint,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_reading_type PRIMARY KEY (id),
        CONSTRAINT uq_reading_type_signature UNIQUE NULLS NOT DISTINCT (
          accumulation_behaviour, aggregate, argument_numerator, argument_denominator, commodity, consumption_tier,
          cpp, currency, data_qualifier, default_quality, flow_direction, interharmonic_numerator,
          interharmonic_denominator, interval_length, kind, measuring_period, phase, power_of_ten_multiplier,
          time_attribute, tou, uom)
      )`);

    // (usage_point_id, id) is redundant with the primary key but is the target of the usage tables' composite foreign
    // keys: they then cannot point at another usage point's meter reading, and stay valid when distributed by
    // usage_point_id (Citus requires the distribution column in co-located foreign keys).
    await q.query(`
      CREATE TABLE meter_reading (
        id bigint GENERATED ALWAYS AS IDENTITY,
        usage_point_id bigint NOT NULL,
        reading_type_id bigint NOT NULL,
        external_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_meter_reading PRIMARY KEY (id),
        CONSTRAINT uq_meter_reading_usage_point_id UNIQUE (usage_point_id, id),
        CONSTRAINT uq_meter_reading_reading_type UNIQUE (usage_point_id, reading_type_id),
        CONSTRAINT fk_meter_reading_usage_point FOREIGN KEY (usage_point_id) REFERENCES usage_point (id) ON DELETE CASCADE,
        CONSTRAINT fk_meter_reading_reading_type FOREIGN KEY (reading_type_id) REFERENCES reading_type (id)
      )`);
    await q.query(`CREATE INDEX ix_meter_reading_reading_type ON meter_reading (reading_type_id)`);

    await q.query(`
      CREATE TABLE import_batch (
        id bigint GENERATED ALWAYS AS IDENTITY,
        source text NOT NULL,
        file_name text,
        checksum text,
        forced boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'queued',
        job_id text,
        usage_points integer NOT NULL DEFAULT 0,
        meter_readings integer NOT NULL DEFAULT 0,
        readings integer NOT NULL DEFAULT 0,
        inserted integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        warnings jsonb NOT NULL DEFAULT '[]',
        errors jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_import_batch PRIMARY KEY (id),
        CONSTRAINT ck_import_batch_source CHECK (source IN ('file', 'cim', 'ods', 'upload', 'cli')),
        CONSTRAINT ck_import_batch_status CHECK (status IN ('queued', 'running', 'loaded', 'rejected', 'failed')),
        CONSTRAINT ck_import_batch_checksum CHECK (checksum ~ '^[0-9a-f]{64}$')
      )`);
    // A file is loaded once; --force reloads are marked forced and stay outside the uniqueness.
    await q.query(`
      CREATE UNIQUE INDEX uq_import_batch_checksum ON import_batch (checksum) WHERE status = 'loaded' AND NOT forced`);
    await q.query(`CREATE INDEX ix_import_batch_created_at ON import_batch (created_at)`);

    // Billions of rows: columns ordered widest first so the tuple has no alignment padding, multiplier and unit live
    // once in reading_type, and there is no index besides the primary key. batch_id has no foreign key on purpose:
    // deleting a batch would otherwise need an index on batch_id over every partition to check references.
    // Partitions are created ahead by src/services/partitions.ts; there is no DEFAULT partition, so a row for an
    // unprepared month fails loudly instead of piling up in a catch-all that blocks creating that month later.
    await q.query(`
      CREATE TABLE interval_reading (
        usage_point_id bigint NOT NULL,
        meter_reading_id bigint NOT NULL,
        start timestamptz NOT NULL,
        value bigint NOT NULL,
        cost bigint,
        batch_id bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        duration integer NOT NULL,
        quality integer NOT NULL DEFAULT 0,
        tou smallint,
        cpp smallint,
        consumption_tier smallint,
        CONSTRAINT pk_interval_reading PRIMARY KEY (usage_point_id, meter_reading_id, start),
        CONSTRAINT fk_interval_reading_meter_reading FOREIGN KEY (usage_point_id, meter_reading_id)
          REFERENCES meter_reading (usage_point_id, id) ON DELETE CASCADE,
        CONSTRAINT ck_interval_reading_duration CHECK (duration > 0)
      ) PARTITION BY RANGE (start)`);

    await q.query(`
      CREATE TABLE interval_revision (
        usage_point_id bigint NOT NULL,
        meter_reading_id bigint NOT NULL,
        start timestamptz NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        batch_id bigint,
        old_batch_id bigint,
        old_value bigint NOT NULL,
        new_value bigint NOT NULL,
        old_cost bigint,
        new_cost bigint,
        revised_at timestamptz NOT NULL DEFAULT now(),
        old_quality integer NOT NULL,
        new_quality integer NOT NULL,
        reason text NOT NULL,
        CONSTRAINT pk_interval_revision PRIMARY KEY (usage_point_id, meter_reading_id, start, id),
        CONSTRAINT fk_interval_revision_meter_reading FOREIGN KEY (usage_point_id, meter_reading_id)
          REFERENCES meter_reading (usage_point_id, id) ON DELETE CASCADE,
        CONSTRAINT fk_interval_revision_batch FOREIGN KEY (batch_id) REFERENCES import_batch (id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX ix_interval_revision_batch ON interval_revision (batch_id)`);

    for (const [table, period] of [
      ['usage_daily', 'local_date'],
      ['usage_monthly', 'local_month'],
    ]) {
      await q.query(`
        CREATE TABLE ${table} (
          usage_point_id bigint NOT NULL,
          meter_reading_id bigint NOT NULL,
          ${period} date NOT NULL,
          value_sum bigint NOT NULL,
          cost_sum bigint,
          first_start timestamptz NOT NULL,
          last_end timestamptz NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          readings integer NOT NULL,
          estimated integer NOT NULL DEFAULT 0,
          expected integer,
          CONSTRAINT pk_${table} PRIMARY KEY (usage_point_id, meter_reading_id, ${period}),
          CONSTRAINT fk_${table}_meter_reading FOREIGN KEY (usage_point_id, meter_reading_id)
            REFERENCES meter_reading (usage_point_id, id) ON DELETE CASCADE
        )`);
    }
    await q.query(`
      ALTER TABLE usage_monthly ADD CONSTRAINT ck_usage_monthly_first_day CHECK (extract(day FROM local_month) = 1)`);

    await q.query(`
      CREATE TABLE usage_summary (
        usage_point_id bigint NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        billing_period_start timestamptz NOT NULL,
        billing_period_duration integer NOT NULL,
        external_id text,
        batch_id bigint,
        bill_last_period bigint,
        bill_to_date bigint,
        cost_additional_last_period bigint,
        currency smallint,
        overall_consumption_last_period_value bigint,
        overall_consumption_last_period_multiplier smallint,
        overall_consumption_last_period_uom smallint,
        overall_consumption_last_period_time_stamp timestamptz,
        current_billing_period_over_all_consumption_value bigint,
        current_billing_period_over_all_consumption_multiplier smallint,
        current_billing_period_over_all_consumption_uom smallint,
        current_billing_period_over_all_consumption_time_stamp timestamptz,
        quality_of_reading smallint,
        status_time_stamp timestamptz,
        commodity smallint,
        read_cycle text,
        tariff_profile text,
        other_measurements jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_usage_summary PRIMARY KEY (usage_point_id, id),
        CONSTRAINT uq_usage_summary_billing_period UNIQUE (usage_point_id, billing_period_start),
        CONSTRAINT fk_usage_summary_usage_point FOREIGN KEY (usage_point_id) REFERENCES usage_point (id) ON DELETE CASCADE,
        CONSTRAINT fk_usage_summary_batch FOREIGN KEY (batch_id) REFERENCES import_batch (id) ON DELETE SET NULL
      )`);

    await q.query(`
      CREATE TABLE usage_summary_line_item (
        usage_point_id bigint NOT NULL,
        usage_summary_id bigint NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        amount bigint NOT NULL,
        rounding bigint,
        unit_cost bigint,
        measurement_value bigint,
        date_time timestamptz NOT NULL,
        item_period_start timestamptz,
        item_period_duration integer,
        item_kind smallint,
        measurement_multiplier smallint,
        measurement_uom smallint,
        note text,
        CONSTRAINT pk_usage_summary_line_item PRIMARY KEY (usage_point_id, usage_summary_id, id),
        CONSTRAINT fk_usage_summary_line_item_summary FOREIGN KEY (usage_point_id, usage_summary_id)
          REFERENCES usage_summary (usage_point_id, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping the partitioned parent drops its partitions with it.
    await q.query(`
      DROP TABLE usage_summary_line_item, usage_summary, usage_monthly, usage_daily, interval_revision,
        interval_reading, import_batch, meter_reading, reading_type, meter, usage_point, service_location,
        customer_account, customer`);
  }
}
