import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { maxPageSizeOf } from '../schema/complexity';
import { graphqlErrorOf } from '../schema/graphql-errors';
import { InvalidInputError } from '../services/errors';
import { checkPageSize } from '../services/pagination';
import { fragmentsOf } from './operation-size';

/**
 * Refuses the operation when any field's `first` or `last` is not a page size that field serves, or it gives both or
 * neither (BAD_USER_INPUT, HTTP 400), before it is priced: the cost of a page is its size times its selection, so a
 * negative or huge size would make the price meaningless. The same check as the services' (`checkPageSize`), against
 * the maximum the field declares. Each fragment is visited once: its type condition fixes the fields it names.
 */
export function checkPageSizes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): void {
  const fragments = fragmentsOf(document);
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | null | undefined): void => {
    if (!set || !(isObjectType(parent) || isInterfaceType(parent))) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        if (field.args.some((arg) => arg.name === 'first')) {
          try {
            checkPageSize(getArgumentValues(field, selection, variables), maxPageSizeOf(field));
          } catch (error) {
            throw error instanceof InvalidInputError ? graphqlErrorOf(error, [field.name], 400) : error;
          }
        }
        walk(selection.selectionSet, getNamedType(field.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(
          selection.selectionSet,
          selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent,
        );
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        walk(fragment?.selectionSet, fragment && schema.getType(fragment.typeCondition.name.value));
      }
    }
  };
  walk(operation.selectionSet, schema.getRootType(operation.operation));
}
