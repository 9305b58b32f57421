import type { ApolloServerPlugin } from '@apollo/server';
import { HTTP_STATUS_BY_CODE, isErrorCode } from '../errors.js';
import type { GraphQLContext } from '../context.js';

/**
 * Sets the HTTP status from the error code when an operation fails as a
 * whole (errors and no data). For example, pushMetrics without a valid token
 * returns 401. The `retryAfter` of a RATE_LIMITED or SERVICE_UNAVAILABLE
 * error becomes the Retry-After header. A partial result keeps 200, because
 * GraphQL clients expect to read its data.
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
        // A client must back off whichever alias hit the limit first.
        const backOff = errors.find((error) => error.extensions?.['retryAfter'] !== undefined);
        const extensions = (backOff ?? errors[0])?.extensions;
        const code = extensions?.['code'];
        if (isErrorCode(code)) {
          response.http.status = HTTP_STATUS_BY_CODE[code];
        }
        const retryAfter = extensions?.['retryAfter'];
        if (typeof retryAfter === 'number') {
          response.http.headers.set('retry-after', String(retryAfter));
        }
      },
    };
  },
};
