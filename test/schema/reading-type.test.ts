import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSchemaDatabase, type SchemaDatabase } from './schema-database';

let schema: SchemaDatabase;
before(async () => {
  schema = await openSchemaDatabase();
  await schema.dataSource.runMigrations();
});
after(async () => {
  await schema?.close();
});

type Codes = { uom: number; power_of_ten_multiplier: number | null; flow_direction: number | null };

// The loader's idempotent reading-type upsert: the same signature must resolve to the same row even though most codes
// are NULL (a plain UNIQUE would treat every NULL as distinct and insert a duplicate on each re-import).
async function upsert(codes: Codes): Promise<string> {
  const [{ id }] = await schema.dataSource.query(
    `INSERT INTO reading_type (uom, power_of_ten_multiplier, flow_direction) VALUES ($1, $2, $3)
     ON CONFLICT ON CONSTRAINT uq_reading_type_signature DO UPDATE SET uom = EXCLUDED.uom
     RETURNING id`,
    [codes.uom, codes.power_of_ten_multiplier, codes.flow_direction],
  );
  return id;
}

test('a reading type signature with NULL codes is unique', async () => {
  const pgeStyle = { uom: 72, power_of_ten_multiplier: 0, flow_direction: null };
  const first = await upsert(pgeStyle);
  assert.equal(await upsert(pgeStyle), first);
  await assert.rejects(
    schema.dataSource.query(`INSERT INTO reading_type (uom, power_of_ten_multiplier) VALUES (72, 0)`),
    /uq_reading_type_signature/,
  );

  const delivered = await upsert({ ...pgeStyle, flow_direction: 1 });
  const received = await upsert({ ...pgeStyle, flow_direction: 19 });
  const noMultiplier = await upsert({ ...pgeStyle, power_of_ten_multiplier: null });
  assert.equal(new Set([first, delivered, received, noMultiplier]).size, 4);
  assert.equal(await upsert({ ...pgeStyle, flow_direction: 19 }), received);

  const [{ n }] = await schema.dataSource.query(`SELECT count(*)::int AS n FROM reading_type`);
  assert.equal(n, 4);
});
