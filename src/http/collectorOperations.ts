import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * Root fields that a collector calls. With mutual TLS on, an operation that
 * selects any of them needs a verified client certificate. Root fields
 * marked @collector in schema.graphql are added to this list at start-up,
 * so a new collector operation is covered without editing it.
 */
export const COLLECTOR_OPERATIONS: readonly string[] = ['registerCollector', 'pushMetrics', 'refreshCollectorToken'];

/** Names of the root fields an operation selects, following fragments. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): Set<string> {
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const names = new Set<string>();
  const visited = new Set<string>();

  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) {
          visit(fragment.selectionSet);
        }
      }
    }
  };

  visit(operation.selectionSet);
  return names;
}
