import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { packagePath } from '../packagePath.js';
import { readMigrationFiles } from '../db/migrationFiles.js';
import { describeExpiry, type CertificateExpiry } from '../tls/certificateExpiry.js';

/** A readiness check slower than this counts as a failure, so a hung database does not hang the probe. */
export const READY_TIMEOUT_MS = 3000;

export interface HealthOptions {
  /** Expiry of the server certificate in use, or undefined over plain HTTP. */
  certificateNotAfter: () => Date | undefined;
}

type Readiness = { ready: true } | { ready: false; reason: 'database unreachable' | 'migrations pending'; pendingMigrations?: number };

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkReadiness(services: Services, migrationNames: () => Promise<string[]>): Promise<Readiness> {
  await services.prisma.$queryRaw`SELECT 1`;
  const applied = await services.prisma.$queryRaw<Array<{ migration_name: string }>>`
    SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

  const appliedNames = new Set(applied.map((row) => row.migration_name));
  const pending = (await migrationNames()).filter((name) => !appliedNames.has(name));
  return pending.length === 0 ? { ready: true } : { ready: false, reason: 'migrations pending', pendingMigrations: pending.length };
}

/**
 * Registers the probes for load balancers and orchestrators. GET /health is
 * liveness: it returns 200 while the process serves HTTP and, with TLS on,
 * reports the certificate expiry. GET /ready also needs the database to
 * respond and every migration folder to be applied. Neither returns
 * versions, addresses or error details, which go to the log instead.
 */
export function registerHealthRoutes(fastify: FastifyInstance, services: Services, options: HealthOptions): void {
  // The folders do not change while the server runs, so they are read once.
  let folders: Promise<string[]> | undefined;
  const migrationNames = () => {
    folders ??= readMigrationFiles(packagePath('prisma', 'migrations')).then((files) => files.map((file) => file.name));
    return folders;
  };

  fastify.get('/health', async () => {
    const notAfter = options.certificateNotAfter();
    const tls: CertificateExpiry | undefined = notAfter === undefined ? undefined : describeExpiry(notAfter, services.now());
    return tls === undefined ? { status: 'ok' } : { status: 'ok', tls };
  });

  fastify.get('/ready', async (request, reply) => {
    let readiness: Readiness;
    try {
      readiness = await withTimeout(checkReadiness(services, migrationNames), READY_TIMEOUT_MS);
    } catch (error) {
      request.log.error({ event: 'readiness', err: error }, 'database check failed');
      readiness = { ready: false, reason: 'database unreachable' };
    }

    if (readiness.ready) {
      return { status: 'ready' };
    }
    request.log.warn({ event: 'readiness', reason: readiness.reason, pendingMigrations: readiness.pendingMigrations }, 'not ready');
    const { ready: _ready, ...details } = readiness;
    return reply.code(503).send({ status: 'not ready', ...details });
  });
}
