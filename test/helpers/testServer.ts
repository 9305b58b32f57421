import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createServices, type Services } from '../../src/services.js';
import type { FastifyInstance } from 'fastify';
import { buildApp, type App, type BuildAppOptions } from '../../src/http/buildApp.js';
import { createUser } from '../../src/users/createUser.js';
import type { Role } from '../../src/generated/prisma/enums.js';
import type { Database } from '../../src/db/openDatabase.js';
import { createTestDatabase, type DatabaseKind } from './testDatabase.js';
import { LogCapture } from './captureLogs.js';
import { PUSH_METRICS } from './snapshotFixture.js';
import type { SnapshotWire } from '../../src/collector/snapshotWire.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> };
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  role: Role;
  token: string;
}

/**
 * A real API on 127.0.0.1 with a fresh database, whose helpers hide URLs,
 * headers and tokens. Logs are captured at debug level in `logs`.
 */
export class TestServer {
  private constructor(
    readonly url: string,
    public app: App,
    readonly database: Database,
    readonly services: Services,
    readonly logs: LogCapture,
    private readonly logger: ReturnType<typeof createLogger>,
  ) {}

  static async start(
    kind: DatabaseKind = 'pglite',
    options: {
      env?: Record<string, string>;
      now?: () => Date;
      appOptions?: BuildAppOptions;
      /** Adds test-only routes or hooks before the server listens. */
      beforeListen?: (fastify: FastifyInstance) => void;
    } = {},
  ): Promise<TestServer> {
    const config: Config = await loadConfig({
      ENVIRONMENT: 'test',
      DATA_DIR: ':memory:',
      JWT_SECRET: randomBytes(32).toString('base64url'),
      REGISTRATION_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'debug',
      // Tests send bursts that real clients do not; rate limit tests set
      // these back to the production values they exercise.
      RATE_LIMIT_OPERATION_FACTOR: '1000',
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_COLLECTOR_PER_MINUTE: '100000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
      // Tests call the job ticks with their own clock instead.
      BACKGROUND_JOBS: 'false',
      ...options.env,
    });
    const logs = new LogCapture();
    const logger = createLogger(config, logs);
    const database = await createTestDatabase(kind);
    const services = await createServices(config, database.prisma, logger, options.now);
    const app = await buildApp(services, logger, options.appOptions);
    options.beforeListen?.(app.fastify);
    await app.fastify.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.fastify.server.address() as AddressInfo;
    const scheme = config.tls === undefined ? 'http' : 'https';
    return new TestServer(`${scheme}://127.0.0.1:${port}`, app, database, services, logs, logger);
  }

  get config(): Config {
    return this.services.config;
  }

  /** POSTs one operation to /graphql and returns status, headers and parsed body. */
  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) {
      headers['authorization'] = `Bearer ${options.token}`;
    }
    const response = await fetch(`${this.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as GraphQLResponse<T>['body'];
    return { status: response.status, headers: response.headers, body };
  }

  /** Creates a user directly in the database and logs it in over HTTP. */
  async createUser(role: Role, username = `${role.toLowerCase()}-${randomUUID().slice(0, 8)}`): Promise<TestUser> {
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    const user = await createUser(this.database.prisma, { username, password, role });
    const token = await this.login(username, password);
    return { id: user.id, username, password, role, token };
  }

  async login(username: string, password: string): Promise<string> {
    const response = await this.graphql<{ login: { token: string } }>(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      { u: username, p: password },
    );
    if (!response.body.data?.login) {
      throw new Error(`login failed in test setup: ${JSON.stringify(response.body.errors)}`);
    }
    return response.body.data.login.token;
  }

  /** Pushes a snapshot with a collector token and returns the server id; throws when the API rejects it. */
  async pushSnapshot(token: string, snapshot: SnapshotWire): Promise<string> {
    const response = await this.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: snapshot }, { token });
    if (!response.body.data?.pushMetrics) {
      throw new Error(`pushMetrics failed in test setup: ${JSON.stringify(response.body.errors)}`);
    }
    return response.body.data.pushMetrics.serverId;
  }

  /** Registers a collector with the right secret and returns its id and token. */
  async registerCollector(hostname = `db-${randomUUID().slice(0, 8)}.example.test`): Promise<{ collectorId: string; token: string }> {
    const response = await this.graphql<{ registerCollector: { collectorId: string; token: string } }>(
      'mutation ($input: RegisterCollectorInput!) { registerCollector(input: $input) { collectorId token } }',
      { input: { hostname } },
      { headers: { 'x-registration-secret': this.config.registrationSecret } },
    );
    if (!response.body.data?.registerCollector) {
      throw new Error(`registration failed in test setup: ${JSON.stringify(response.body.errors)}`);
    }
    return response.body.data.registerCollector;
  }

  /** Stops the HTTP listener but keeps the database, as when the API process is down. */
  async stopHttp(): Promise<void> {
    await this.app.fastify.close();
  }

  /** Starts a new API on the same port and database after stopHttp. */
  async restartHttp(): Promise<void> {
    this.app = await buildApp(this.services, this.logger);
    await this.app.fastify.listen({ port: Number(new URL(this.url).port), host: '127.0.0.1' });
  }

  async close(): Promise<void> {
    await this.app.fastify.close();
    await this.services.close();
    await this.database.close();
  }
}
