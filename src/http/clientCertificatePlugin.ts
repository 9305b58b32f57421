import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { readAccessRequirements } from '../auth/readAccessRequirements.js';
import { COLLECTOR_OPERATIONS, rootFieldNames } from './collectorOperations.js';

const CERTIFICATE_HINT = 'present a client certificate signed by the CA in MTLS_CA_PATH';

/**
 * Checks the client certificate of collector operations when mutual TLS is
 * on. It runs after the operation is parsed and before any resolver, so a
 * rejected push never touches the database. User operations pass through
 * unchanged. A missing or unverified certificate raises UNAUTHENTICATED.
 * A verified certificate that is not the one bound to the collector in the
 * token raises FORBIDDEN. Which token may call which operation is left to
 * the shield rules.
 */
export function clientCertificatePlugin(): ApolloServerPlugin<GraphQLContext> {
  const operations = new Set(COLLECTOR_OPERATIONS);

  return {
    async serverWillStart({ schema }) {
      const requirements = readAccessRequirements(schema);
      for (const rootType of ['Query', 'Mutation']) {
        for (const [field, requirement] of Object.entries(requirements[rootType] ?? {})) {
          if (requirement.kind === 'collector') {
            operations.add(field);
          }
        }
      }
    },

    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation === undefined) {
            return;
          }
          const selected = [...rootFieldNames(operation, document)].filter((name) => operations.has(name));
          if (selected.length === 0) {
            return;
          }
          await checkCertificate(contextValue, selected);
        },
      };
    },
  };
}

async function checkCertificate(context: GraphQLContext, selected: string[]): Promise<void> {
  const { clientCertificate: certificate, logger, principal } = context;
  const operation = selected.join(',');

  if (certificate === undefined || certificate.status === 'absent') {
    logger.warn({ event: 'client_certificate', outcome: 'failure', operation, reason: 'absent' }, 'client certificate required');
    throw new UnauthenticatedError(`Client certificate required: ${operation} needs mutual TLS, so ${CERTIFICATE_HINT}`);
  }
  if (certificate.status === 'rejected') {
    logger.warn({ event: 'client_certificate', outcome: 'failure', operation, reason: certificate.reason, fingerprint: certificate.fingerprint }, 'client certificate rejected');
    throw new UnauthenticatedError(`Client certificate rejected (${certificate.reason}): ${CERTIFICATE_HINT} that is currently valid`);
  }
  if (principal.kind !== 'collector') {
    return;
  }

  const collector = await context.services.prisma.collector.findUnique({
    where: { id: principal.collectorId },
    select: { certificateFingerprint: true },
  });
  const bound = collector?.certificateFingerprint ?? null;
  if (bound === null) {
    logger.warn({ event: 'client_certificate', outcome: 'failure', collectorId: principal.collectorId, reason: 'none bound' }, 'client certificate rejected');
    throw new ForbiddenError('Forbidden: no client certificate is bound to this collector. An admin must bind one with rotateCollectorCertificate');
  }
  if (bound !== certificate.fingerprint) {
    logger.warn(
      { event: 'client_certificate', outcome: 'failure', collectorId: principal.collectorId, fingerprint: certificate.fingerprint, reason: 'not bound' },
      'client certificate rejected',
    );
    throw new ForbiddenError('Forbidden: the client certificate is not the one bound to this collector token');
  }
}
