import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What the query limits count in an operation, with its fragments expanded. */
export interface OperationSize {
  /** Depth of the deepest field. */
  depth: number;
  /** Aliased fields. */
  aliases: number;
  /** Fields, fragment spreads and inline fragments: the nodes graphql-query-complexity evaluates to price it. */
  selections: number;
}

const NOTHING: OperationSize = { depth: 0, aliases: 0, selections: 0 };

/**
 * The size of an operation as executed, in time linear in the document: each fragment is measured once and its
 * size reused wherever it is spread. Expanding spreads instead lets a few hundred bytes of fragments that each
 * spread the previous one twice stand for millions of fields. Counts past 2^53 are approximate, which is all a
 * comparison with a limit needs.
 */
export function operationSize(document: DocumentNode, operation: OperationDefinitionNode): OperationSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
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
      const inner = selection.kind === Kind.FRAGMENT_SPREAD ? ofFragment(selection.name.value) : ofSet(selection.selectionSet);
      const field = selection.kind === Kind.FIELD;
      size.depth = Math.max(size.depth, inner.depth + (field ? 1 : 0));
      size.aliases += inner.aliases + (field && selection.alias ? 1 : 0);
      size.selections += inner.selections + 1;
    }
    return size;
  };
  return ofSet(operation.selectionSet);
}
