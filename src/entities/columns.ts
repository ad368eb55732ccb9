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
}

/** The column of `field`, named as TypeORM's default naming strategy names it: its `name` option, else the property. */
export function entityColumn(entity: EntityClass, field: string): EntityColumn {
  const args = getMetadataArgsStorage()
    .filterColumns(lineage(entity))
    .find((c) => c.propertyName === field);
  if (!args) throw new Error(`${entity.name} has no column for ${field}`);
  return { name: args.options.name ?? field, type: String(args.options.type) };
}

// pg would parse bigint and numeric as strings anyway; the cast keeps them strings inside to_jsonb() too.
const AS_TEXT = new Set(['bigint', 'numeric']);

/**
 * A SELECT list of the columns of `fields` on the table aliased `alias`, each under its field's name: the rows come
 * back as EntityRow<E, typeof fields>.
 */
export function selectColumns<E>(entity: abstract new () => E, fields: readonly EntityField<E>[], alias = 't'): string {
  return fields
    .map((field) => {
      const { name, type } = entityColumn(entity, field);
      return `${alias}.${name}${AS_TEXT.has(type) ? '::text' : ''} AS "${field}"`;
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
