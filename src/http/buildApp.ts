import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import fastifyCors from '@fastify/cors';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { loadTlsFiles, type TlsFiles } from '../tls/loadTlsFiles.js';
import { httpsServerOptions } from '../tls/secureContextOptions.js';
import { watchCertificates, type CertificateWatcher } from '../tls/watchCertificates.js';
import { clientCertificatePlugin } from './clientCertificatePlugin.js';
import { registerHealthRoutes } from './healthRoutes.js';
import { securityHeaders } from './securityHeaders.js';
import type { GraphQLContext } from '../context.js';
import type { TrustProxy } from '../config/parseTrustProxy.js';
import type { Services } from '../services.js';
import { buildSchema } from '../graphql/buildSchema.js';
import { createContext } from './createContext.js';
import { decompressBody } from './decompressBody.js';
import { errorLoggingPlugin } from './errorLoggingPlugin.js';
import { formatError } from './formatError.js';
import { httpStatusPlugin } from './httpStatusPlugin.js';
import { RequestLogController } from './RequestLogController.js';
import { bodyLimitPlugin } from './bodyLimitPlugin.js';
import { handleHttpError } from './handleHttpError.js';
import { measureJsonBody } from './measureJsonBody.js';
import { requestLimits } from './requestLimits.js';
import { registerMetricsRoute } from './registerMetricsRoute.js';
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
  /** Reloader of the TLS files, or undefined over plain HTTP. */
  certificates: CertificateWatcher | undefined;
}

export interface BuildAppOptions {
  /** How often the TLS files are checked for changes, in ms. */
  certificatePollIntervalMs?: number;
}

/** Allowed request headers for cross-origin calls: the ones Apollo clients and collectors send. */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-registration-secret'];

function createFastify(config: Config, logger: Logger, tlsFiles: TlsFiles | undefined): FastifyInstance {
  const https = tlsFiles === undefined ? null : httpsServerOptions(tlsFiles, config.mtls !== undefined);
  const fastify = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    logController: new RequestLogController(),
    bodyLimit: Math.max(config.bodyLimits.pushMetricsBytes, config.bodyLimits.otherBytes),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    https,
  });
  // With `https` Fastify types the instance by https.Server, but routes and hooks are the same.
  return fastify as unknown as FastifyInstance;
}

/**
 * Builds the Fastify server with Apollo at /graphql, the probes /health and
 * /ready, security headers on every response and, when configured, HTTPS,
 * mutual TLS for collector operations and CORS. Introspection and Apollo
 * Sandbox are on only in development. The caller listens and closes.
 */
export async function buildApp(services: Services, logger: Logger, options: BuildAppOptions = {}): Promise<App> {
  const { config } = services;
  const development = config.environment === 'development';
  const tlsFiles = config.tls === undefined ? undefined : await loadTlsFiles(config.tls, config.mtls);
  const fastify = createFastify(config, logger, tlsFiles);

  fastify.addHook('onSend', securityHeaders({ strictTransportSecurity: config.environment === 'production', landingPage: development }));
  if (config.corsOrigins.length > 0) {
    await fastify.register(fastifyCors, { origin: config.corsOrigins, methods: ['GET', 'POST'], allowedHeaders: CORS_ALLOWED_HEADERS, maxAge: 600 });
  }

  let certificates: CertificateWatcher | undefined;
  if (config.tls !== undefined && tlsFiles !== undefined) {
    certificates = watchCertificates({
      tls: config.tls,
      mtls: config.mtls,
      server: fastify.server as unknown as TlsServer,
      initial: tlsFiles,
      logger: fastify.log,
      now: services.now,
      pollIntervalMs: options.certificatePollIntervalMs,
    });
    const watcher = certificates;
    fastify.addHook('onClose', async () => watcher.stop());
  }

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
    // Apollo's own SIGTERM handler re-sends the signal after stopping, which
    // killed the process before src/index.ts closed the database. index.ts
    // handles the signals and stops Apollo itself.
    stopOnTerminationSignals: false,
    formatError,
    logger,
    plugins: [
      fastifyApolloDrainPlugin(fastify),
      development ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      ...limits.plugins,
      bodyLimitPlugin(config.bodyLimits.otherBytes),
      ...(config.mtls === undefined ? [] : [clientCertificatePlugin()]),
      httpStatusPlugin,
      errorLoggingPlugin,
    ],
  });
  await apollo.start();

  fastify.addHook('preParsing', decompressBody(Math.max(config.bodyLimits.pushMetricsBytes, config.bodyLimits.otherBytes)));

  await fastify.register(fastifyApollo(apollo), { context: createContext(services) });
  registerHealthRoutes(fastify, services, { certificateNotAfter: () => certificates?.notAfter });
  registerMetricsRoute(fastify, services);

  if (config.backgroundJobs) {
    const stopJobs = startBackgroundJobs(services, fastify.log);
    fastify.addHook('onClose', async () => stopJobs());
  }
  return { fastify, apollo, certificates };
}
