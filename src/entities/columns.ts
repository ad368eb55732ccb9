import { getMetadataArgsStorage } from 'typeorm';

// Column names and SELECT lists read from the entities' decorators, so a service's query names the columns the entity
// (and, by test/schema/migrations.test.ts, the migrated table) has, instead of a copy typed by hand.

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM keys its metadata by class
type EntityClass = Function;

/** The data fields of an entity: the properties its columns map to. */
export type EntityField<E> = { [K in keyof E]: E[K] extends (...args: never[]) => unknown ? never : K }[keyof E] &
  string;

/** A row with the fields `F` of the entity `E`, typed as the entity types them (bigint and numeric as strings). */
export type EntityRow<E, F extends readonly EntityField<E>[]> = Pick<E, F[number]>;

/** The list `list` of fields of `E`, typed as the tuple it is: `entityFields<E>()(['id', ...])`. */
export const entityFields =
  <E>() =>
  <const F extends readonly EntityField<E>[]>(list: F): F =>
    list;

/** A SELECT list with the entity whose table it reads: test/schema/migrations.test.ts runs each on its table. */
export interface EntitySelect {
  entity: abstract new () => unknown;
  columns: string;
}

/** The entity class and its abstract bases, whose decorated columns it inherits. */
function lineage(entity: EntityClass): EntityClass[] {
  const classes: EntityClass[] = [];
  for (let c = entity; c !== Function.prototype && c !== null; c = Object.getPrototypeOf(c) as EntityClass)
    classes.push(c);
  return classes;
}

interface EntityColumn {
  name: string;
  type: string;
  array: boolean;
}

/** The column of `field`, named as TypeORM's default naming strategy names it: its `name` option, else the property. */
export function entityColumn(entity: EntityClass, field: string): EntityColumn {
  const args = getMetadataArgsStorage()
    .filterColumns(lineage(entity))
    .find((c) => c.propertyName === field);
  if (!args) throw new Error(`${entity.name} has no column for ${field}`);
  return { name: args.options.name ?? field, type: String(args.options.type), array: args.options.array === true };
}

/** Every field of the entity with a column, in the order they are declared: its whole row. */
export function allFields<E>(entity: abstract new () => E): EntityField<E>[] {
  return getMetadataArgsStorage()
    .filterColumns(lineage(entity))
    .map((column) => column.propertyName as EntityField<E>);
}

/** The columns of `fields`, in their order: a column list to write (INSERT, COPY) in the order of its values. */
export function columnNames<E>(entity: abstract new () => E, fields: readonly EntityField<E>[]): string[] {
  return fields.map((field) => entityColumn(entity, field).name);
}

// pg would parse bigint and numeric as strings anyway; the cast keeps them strings inside to_jsonb() too. A date is a
// string (YYYY-MM-DD) in the entities, where pg would make it a Date at local midnight.
const AS_TEXT = new Set(['bigint', 'numeric', 'date']);

/**
 * A SELECT (or RETURNING) list of the columns of `fields` on the table aliased `alias` (no alias: ''), each under its
 * field's name: the rows come back as EntityRow<E, typeof fields>.
 */
export function selectColumns<E>(entity: abstract new () => E, fields: readonly EntityField<E>[], alias = 't'): string {
  const prefix = alias === '' ? '' : `${alias}.`;
  return fields
    .map((field) => {
      const { name, type, array } = entityColumn(entity, field);
      const cast = AS_TEXT.has(type) ? (array ? '::text[]' : '::text') : '';
      return `${prefix}${name}${cast} AS "${field}"`;
    })
    .join(', ');
}

/** The columns of the entity's unique constraint `constraint`, in its declared order, as field names. */
export function uniqueFields<E>(entity: abstract new () => E, constraint: string): EntityField<E>[] {
  const unique = getMetadataArgsStorage()
    .filterUniques(lineage(entity))
    .find((u) => u.name === constraint);
  if (!unique || !Array.isArray(unique.columns))
    throw new Error(`${entity.name} declares no unique constraint ${constraint} by field names`);
  return unique.columns as EntityField<E>[];
}
