import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { ApiError } from '../errors.js';
import type { GraphQLContext } from '../context.js';

const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/**
 * Logs each error of an operation once, on the request's logger: unexpected
 * errors at error level with the original error (clients see them masked),
 * access denials at warn and other client errors at info.
 */
export const errorLoggingPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        for (const error of errors) {
          const original = unwrapResolverError(error);
          const path = error.path?.join('.');
          if (original instanceof ApiError) {
            const level = AUTH_CODES.has(original.code) ? 'warn' : 'info';
            contextValue.logger[level]({ code: original.code, path, operationName }, 'operation error');
          } else if (original instanceof GraphQLError && error.path === undefined) {
            contextValue.logger.info({ code: error.extensions['code'], operationName }, 'request error');
          } else {
            contextValue.logger.error({ err: original, path, operationName }, 'unexpected error');
          }
        }
      },
    };
  },
};
