import type { ApolloServerPlugin } from '@apollo/server';
import { HTTP_STATUS_BY_CODE, isErrorCode } from '../errors.js';
import type { GraphQLContext } from '../context.js';

/**
 * Sets the HTTP status from the error code when an operation fails as a
 * whole (errors and no data), so that, for example, pushMetrics without a
 * valid token answers 401, and RATE_LIMITED also sets Retry-After. A partial result keeps 200, as GraphQL clients
 * expect to read its data.
 */
export const httpStatusPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') {
          return;
        }
        const { data, errors } = response.body.singleResult;
        if (!errors?.length || (data !== null && data !== undefined)) {
          return;
        }
        const code = errors[0]?.extensions?.['code'];
        if (isErrorCode(code)) {
          response.http.status = HTTP_STATUS_BY_CODE[code];
        }
        const retryAfter = errors[0]?.extensions?.['retryAfter'];
        if (code === 'RATE_LIMITED' && typeof retryAfter === 'number') {
          response.http.headers.set('retry-after', String(retryAfter));
        }
      },
    };
  },
};
