import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Logger } from 'pino';
import type { GraphQLContext } from '../context.js';
import type { TrustProxy } from '../config/parseTrustProxy.js';
import type { Services } from '../services.js';
import { buildSchema } from '../graphql/buildSchema.js';
import { createContext } from './createContext.js';
import { errorLoggingPlugin } from './errorLoggingPlugin.js';
import { formatError } from './formatError.js';
import { httpStatusPlugin } from './httpStatusPlugin.js';
import { RequestLogController } from './RequestLogController.js';
import { registerMetricsRoute } from './registerMetricsRoute.js';

/** Request bodies above this size get 413. A full snapshot of 1000 databases is about 1 MB. */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Converts TRUST_PROXY to a value Fastify's types accept: a hop count
 * becomes the function Fastify would build from it, and a list of addresses
 * one comma-separated string.
 */
function fastifyTrustProxy(trustProxy: TrustProxy): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy === 'number') {
    return (_address, hop) => hop < trustProxy;
  }
  return Array.isArray(trustProxy) ? trustProxy.join(',') : trustProxy;
}

export interface App {
  fastify: FastifyInstance;
  apollo: ApolloServer<GraphQLContext>;
}

/**
 * Builds the Fastify server with Apollo at /graphql, a liveness probe at
 * /health and Prometheus counters at /metrics (ADMIN token only). Introspection and Apollo Sandbox are on only in development.
 * The caller listens and closes.
 */
export async function buildApp(services: Services, logger: Logger): Promise<App> {
  const { config } = services;
  const development = config.environment === 'development';

  const fastify: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    logController: new RequestLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(config.trustProxy),
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildSchema(),
    introspection: config.environment !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError,
    logger,
    plugins: [
      fastifyApolloDrainPlugin(fastify),
      development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      httpStatusPlugin,
      errorLoggingPlugin,
    ],
  });
  await apollo.start();

  await fastify.register(fastifyApollo(apollo), { context: createContext(services) });
  fastify.get('/health', async () => ({ status: 'ok' }));
  registerMetricsRoute(fastify, services);
  return { fastify, apollo };
}
