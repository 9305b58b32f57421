import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from '../context.js';
import { PayloadTooLargeError } from '../errors.js';

/** Root fields whose requests may use the larger body limit: snapshots carry up to thousands of rows. */
const LARGE_BODY_FIELDS = new Set(['pushMetrics']);

function onlyLargeBodyFields(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && LARGE_BODY_FIELDS.has(selection.name.value),
  );
}

/**
 * Applies the smaller body limit to every operation but pushMetrics. Fastify
 * already rejected bodies over the larger limit while reading them, so a
 * request reaching this plugin is within it. The size is measured after
 * decompression.
 */
export function bodyLimitPlugin(otherBytes: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (contextValue.requestBodyBytes <= otherBytes || (operation && onlyLargeBodyFields(operation))) {
            return;
          }
          throw new PayloadTooLargeError(otherBytes, operation?.name?.value ?? 'this operation').withHttpStatus();
        },
      };
    },
  };
}
