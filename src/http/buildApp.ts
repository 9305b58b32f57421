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
import { bodyLimitPlugin } from './bodyLimitPlugin.js';
import { handleHttpError } from './handleHttpError.js';
import { measureJsonBody } from './measureJsonBody.js';
import { requestLimits } from './requestLimits.js';
import { startBackgroundJobs } from '../jobs/startBackgroundJobs.js';

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
 * Builds the Fastify server with Apollo at /graphql and a liveness probe at
 * /health. Unless BACKGROUND_JOBS is false it starts the background jobs,
 * which closing the server stops. Introspection and Apollo Sandbox are on
 * only in development. The caller listens and closes.
 */
export async function buildApp(services: Services, logger: Logger): Promise<App> {
  const { config } = services;
  const development = config.environment === 'development';

  const fastify: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    logController: new RequestLogController(),
    bodyLimit: Math.max(config.bodyLimits.pushMetricsBytes, config.bodyLimits.otherBytes),
    trustProxy: fastifyTrustProxy(config.trustProxy),
  });

  measureJsonBody(fastify);
  fastify.setErrorHandler(handleHttpError);

  const limits = requestLimits(config);
  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildSchema(services.rateLimiter, config.rateLimits.operationFactor),
    validationRules: limits.validationRules,
    parseOptions: { maxTokens: config.graphqlLimits.maxTokens },
    allowBatchedHttpRequests: false,
    introspection: config.environment !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError,
    logger,
    plugins: [
      fastifyApolloDrainPlugin(fastify),
      development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      ...limits.plugins,
      bodyLimitPlugin(config.bodyLimits.otherBytes),
      httpStatusPlugin,
      errorLoggingPlugin,
    ],
  });
  await apollo.start();

  await fastify.register(fastifyApollo(apollo), { context: createContext(services) });
  fastify.get('/health', async () => ({ status: 'ok' }));

  if (config.backgroundJobs) {
    const stopJobs = startBackgroundJobs(services, fastify.log);
    fastify.addHook('onClose', async () => stopJobs());
  }
  return { fastify, apollo };
}
