import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What the query limits count in an operation, with its fragments expanded. */
export interface OperationSize {
  /** Depth of the deepest field. */
  depth: number;
  /** Aliased fields. */
  aliases: number;
  /** Fields, fragment spreads and inline fragments: the nodes graphql-query-complexity evaluates to price it. */
  selections: number;
}

/** The document's fragment definitions by name: what every walk over the operation looks spreads up in. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

const NOTHING: OperationSize = { depth: 0, aliases: 0, selections: 0 };

/**
 * The size of an operation as executed, in time linear in the document: each fragment is measured once and its
 * size reused wherever it is spread. Expanding spreads instead lets a few hundred bytes of fragments that each
 * spread the previous one twice stand for millions of fields. Counts past 2^53 are approximate, which is all a
 * comparison with a limit needs.
 */
export function operationSize(document: DocumentNode, operation: OperationDefinitionNode): OperationSize {
  const fragments = fragmentsOf(document);
  const measured = new Map<string, OperationSize>();
  const ofFragment = (name: string): OperationSize => {
    const known = measured.get(name);
    if (known) return known;
    // Validation refuses a fragment spread within itself; meanwhile such a spread counts for nothing.
    measured.set(name, NOTHING);
    const size = ofSet(fragments.get(name)?.selectionSet);
    measured.set(name, size);
    return size;
  };
  const ofSet = (set: SelectionSetNode | undefined): OperationSize => {
    const size = { depth: 0, aliases: 0, selections: 0 };
    for (const selection of set?.selections ?? []) {
      const inner =
        selection.kind === Kind.FRAGMENT_SPREAD ? ofFragment(selection.name.value) : ofSet(selection.selectionSet);
      const field = selection.kind === Kind.FIELD;
      size.depth = Math.max(size.depth, inner.depth + (field ? 1 : 0));
      size.aliases += inner.aliases + (field && selection.alias ? 1 : 0);
      size.selections += inner.selections + 1;
    }
    return size;
  };
  return ofSet(operation.selectionSet);
}

/**
 * The most fields any one selection set of the document gives the same response name, counting the fields its inline
 * fragments and (transitively) the fragments it spreads collect into it. graphql-js's OverlappingFieldsCanBeMerged
 * rule compares such fields pair by pair, so a document of a few thousand tokens that repeats one name costs seconds
 * of validation; this count, taken right after parsing, costs one walk with each fragment collected once.
 */
export function mostRepeatedResponseName(document: DocumentNode): number {
  const fragments = fragmentsOf(document);
  const collected = new Map<string, Map<string, number>>();
  let most = 0;
  const add = (into: Map<string, number>, name: string, count: number) => {
    const total = (into.get(name) ?? 0) + count;
    into.set(name, total);
    most = Math.max(most, total);
  };
  const ofFragment = (name: string): Map<string, number> => {
    const known = collected.get(name);
    if (known) return known;
    // A fragment spread within itself is refused by validation; meanwhile it collects nothing.
    collected.set(name, new Map());
    const names = collect(fragments.get(name)?.selectionSet, new Map(), new Set());
    collected.set(name, names);
    return names;
  };
  // graphql-js collects each distinct fragment once per selection set, whatever the number of its spreads.
  const collect = (
    set: SelectionSetNode | undefined,
    into: Map<string, number>,
    spread: Set<string>,
  ): Map<string, number> => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        add(into, (selection.alias ?? selection.name).value, 1);
        if (selection.selectionSet) collect(selection.selectionSet, new Map(), new Set());
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, into, spread);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        for (const [name, count] of ofFragment(selection.name.value)) add(into, name, count);
      }
    }
    return into;
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) collect(definition.selectionSet, new Map(), new Set());
    else if (definition.kind === Kind.FRAGMENT_DEFINITION) ofFragment(definition.name.value);
  }
  return most;
}
