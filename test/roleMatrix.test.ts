import { randomBytes, randomUUID } from 'node:crypto';
import { TestServer, type TestUser } from './helpers/testServer.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';
import { buildSchema } from '../src/graphql/buildSchema.js';
import { readAccessRequirements } from '../src/auth/readAccessRequirements.js';

type Caller = 'anonymous' | 'VIEWER' | 'USER' | 'ADMIN' | 'collector';
type Access = 'public' | 'collector' | 'VIEWER' | 'USER' | 'ADMIN';

interface Case {
  access: Access;
  query: string;
  /** Receives the calling user when `ownUser` is set. */
  variables: (caller?: TestUser) => Promise<Record<string, unknown>> | Record<string, unknown>;
  headers?: () => Record<string, string>;
  /** Calls with a new user of the caller's role, for operations that end the caller's sessions. */
  ownUser?: boolean;
}

const STRONG_PASSWORD = () => `matrix-${randomUUID()}`;

const CALLERS: Caller[] = ['anonymous', 'VIEWER', 'USER', 'ADMIN', 'collector'];
const ROLE_RANK: Record<string, number> = { ADMIN: 0, USER: 1, VIEWER: 2 };

/** What each caller must get for a field that requires `access`. */
function expectedCode(access: Access, caller: Caller): string | undefined {
  if (access === 'public') {
    return undefined;
  }
  if (caller === 'anonymous') {
    return 'UNAUTHENTICATED';
  }
  if (access === 'collector') {
    return caller === 'collector' ? undefined : 'FORBIDDEN';
  }
  if (caller === 'collector') {
    return 'FORBIDDEN';
  }
  return ROLE_RANK[caller]! <= ROLE_RANK[access]! ? undefined : 'FORBIDDEN';
}

describe('access by role for every protected field', () => {
  let server: TestServer;
  let users: Record<'VIEWER' | 'USER' | 'ADMIN', TestUser>;
  let collector: { collectorId: string; token: string };
  let serverId: string;

  beforeAll(async () => {
    server = await TestServer.start();
    users = {
      VIEWER: await server.createUser('VIEWER'),
      USER: await server.createUser('USER'),
      ADMIN: await server.createUser('ADMIN'),
    };
    collector = await server.registerCollector();
    const pushed = await server.graphql<{ pushMetrics: { serverId: string } }>(
      PUSH_METRICS, { input: snapshotFixture(collector.collectorId) }, { token: collector.token },
    );
    serverId = pushed.body.data!.pushMetrics.serverId;
  });

  afterAll(async () => {
    await server.close();
  });

  const randomId = () => ({ id: randomUUID() });
  const openAlertId = async () => {
    const now = new Date();
    const alert = await server.database.prisma.alert.create({
      data: { serverId, rule: `matrix_${randomUUID().slice(0, 8)}`, severity: 'WARNING', state: 'FIRING', value: 1, threshold: 1, message: 'matrix', openedAt: now, updatedAt: now },
    });
    return { id: alert.id };
  };
  const channelId = async () => {
    const channel = await server.database.prisma.notificationChannel.create({
      data: { name: `matrix ${randomUUID()}`, kind: 'WEBHOOK', url: 'http://127.0.0.1:9/hook', secret: 'matrix-secret' },
    });
    return { id: channel.id };
  };
  const ruleId = async () => ({ id: (await server.database.prisma.alertRule.findFirstOrThrow({ where: { key: 'long_transaction' } })).id });

  const cases: Record<string, Case> = {
    'Query.alert': { access: 'VIEWER', query: 'query ($id: ID!) { alert(id: $id) { id } }', variables: randomId },
    'Query.alertRules': { access: 'VIEWER', query: '{ alertRules { id } }', variables: () => ({}) },
    'Query.alertSilences': { access: 'VIEWER', query: '{ alertSilences { id } }', variables: () => ({}) },
    'Query.collectorDefaults': { access: 'VIEWER', query: '{ collectorDefaults { version } }', variables: () => ({}) },
    'Query.collectorConfig': { access: 'collector', query: '{ collectorConfig { serverId version } }', variables: () => ({}) },
    'Query.notificationChannels': { access: 'ADMIN', query: '{ notificationChannels { id } }', variables: () => ({}) },
    'Query.notificationDeliveries': { access: 'ADMIN', query: '{ notificationDeliveries { id } }', variables: () => ({}) },
    'Mutation.updateCollectorDefaults': {
      access: 'USER', query: 'mutation { updateCollectorDefaults(input: { tableCap: 500 }) { version } }', variables: () => ({}),
    },
    'Mutation.setServerLabels': {
      access: 'USER', query: 'mutation ($id: ID!) { setServerLabels(serverId: $id, labels: ["matrix"]) { id } }', variables: () => ({ id: serverId }),
    },
    'Mutation.createAlertRule': {
      access: 'USER',
      query: 'mutation ($key: String!) { createAlertRule(input: { key: $key, metric: CONNECTIONS, comparison: ABOVE, warningThreshold: 1000, scope: ALL_SERVERS }) { id } }',
      variables: () => ({ key: `matrix_${randomUUID().slice(0, 8)}` }),
    },
    'Mutation.updateAlertRule': {
      access: 'USER', query: 'mutation ($id: ID!) { updateAlertRule(id: $id, input: { description: "matrix" }) { id } }', variables: ruleId,
    },
    'Mutation.deleteAlertRule': { access: 'USER', query: 'mutation ($id: ID!) { deleteAlertRule(id: $id) }', variables: randomId },
    'Mutation.acknowledgeAlert': { access: 'USER', query: 'mutation ($id: ID!) { acknowledgeAlert(id: $id) { id } }', variables: openAlertId },
    'Mutation.silenceAlerts': {
      access: 'USER',
      query: 'mutation ($id: ID!, $endsAt: DateTime!) { silenceAlerts(input: { serverId: $id, endsAt: $endsAt }) { id } }',
      variables: () => ({ id: serverId, endsAt: new Date(Date.now() + 3600_000).toISOString() }),
    },
    'Mutation.deleteAlertSilence': { access: 'USER', query: 'mutation ($id: ID!) { deleteAlertSilence(id: $id) }', variables: randomId },
    'Mutation.createNotificationChannel': {
      access: 'ADMIN',
      query: 'mutation ($name: String!) { createNotificationChannel(input: { name: $name, kind: WEBHOOK, url: "http://127.0.0.1:9/hook" }) { secret } }',
      variables: () => ({ name: `matrix ${randomUUID()}` }),
    },
    'Mutation.updateNotificationChannel': {
      access: 'ADMIN', query: 'mutation ($id: ID!) { updateNotificationChannel(id: $id, input: { enabled: false }) { id } }', variables: channelId,
    },
    'Mutation.deleteNotificationChannel': { access: 'ADMIN', query: 'mutation ($id: ID!) { deleteNotificationChannel(id: $id) }', variables: randomId },
    'Mutation.testNotificationChannel': { access: 'ADMIN', query: 'mutation ($id: ID!) { testNotificationChannel(id: $id) { id } }', variables: channelId },
    'Query.me': { access: 'VIEWER', query: '{ me { id } }', variables: () => ({}) },
    'Query.servers': { access: 'VIEWER', query: '{ servers { id } }', variables: () => ({}) },
    'Query.server': { access: 'VIEWER', query: 'query ($id: ID!) { server(id: $id) { id } }', variables: () => ({ id: serverId }) },
    'Query.alerts': { access: 'VIEWER', query: '{ alerts { nodes { id } } }', variables: () => ({}) },
    'Query.config': { access: 'VIEWER', query: 'query ($id: ID!) { config(serverId: $id) { intervalSeconds } }', variables: () => ({ id: serverId }) },
    'Query.collectors': { access: 'ADMIN', query: '{ collectors { id } }', variables: () => ({}) },
    'Query.users': { access: 'ADMIN', query: '{ users { id } }', variables: () => ({}) },
    'Server.collector': { access: 'ADMIN', query: 'query ($id: ID!) { server(id: $id) { id collector { id } } }', variables: () => ({ id: serverId }) },
    'Mutation.login': {
      access: 'public',
      query: 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      variables: () => ({ u: users.VIEWER.username, p: users.VIEWER.password }),
    },
    'Mutation.refreshToken': {
      access: 'public',
      query: 'mutation ($t: String!) { refreshToken(refreshToken: $t) { token } }',
      variables: async () => {
        const login = await server.graphql<{ login: { refreshToken: string } }>(
          'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { refreshToken } }',
          { u: users.VIEWER.username, p: users.VIEWER.password },
        );
        return { t: login.body.data!.login.refreshToken };
      },
    },
    'Mutation.registerCollector': {
      access: 'public',
      query: 'mutation ($input: RegisterCollectorInput!) { registerCollector(input: $input) { collectorId } }',
      variables: () => ({ input: { hostname: `matrix-${randomUUID().slice(0, 8)}` } }),
      headers: () => ({ 'x-registration-secret': server.config.registrationSecret }),
    },
    'Mutation.pushMetrics': { access: 'collector', query: PUSH_METRICS, variables: () => ({ input: snapshotFixture(collector.collectorId) }) },
    'Mutation.rotateCollectorCertificate': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!, $f: String!) { rotateCollectorCertificate(collectorId: $id, fingerprint: $f) { id } }',
      variables: () => ({ id: collector.collectorId, f: randomBytes(32).toString('hex') }),
    },
    'Collector.certificateFingerprint': { access: 'ADMIN', query: '{ collectors { id certificateFingerprint } }', variables: () => ({}) },
    'Mutation.refreshCollectorToken': { access: 'collector', query: 'mutation { refreshCollectorToken { collectorId expiresAt } }', variables: () => ({}) },
    'Query.auditEvents': { access: 'ADMIN', query: '{ auditEvents(first: 5) { nodes { id action } } }', variables: () => ({}) },
    'User.disabled': {
      access: 'public',
      query: 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { user { disabled } } }',
      variables: () => ({ u: users.VIEWER.username, p: users.VIEWER.password }),
    },
    'User.mustChangePassword': {
      access: 'public',
      query: 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { user { mustChangePassword } } }',
      variables: () => ({ u: users.VIEWER.username, p: users.VIEWER.password }),
    },
    'User.lockedUntil': { access: 'ADMIN', query: '{ me { lockedUntil } }', variables: () => ({}) },
    'Collector.revokedAt': { access: 'ADMIN', query: '{ collectors { revokedAt } }', variables: () => ({}) },
    'Mutation.logout': {
      access: 'public',
      query: 'mutation ($t: String!) { logout(refreshToken: $t) }',
      variables: async () => {
        const login = await server.graphql<{ login: { refreshToken: string } }>(
          'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { refreshToken } }',
          { u: users.VIEWER.username, p: users.VIEWER.password },
        );
        return { t: login.body.data!.login.refreshToken };
      },
    },
    'Mutation.logoutAll': { access: 'VIEWER', query: 'mutation { logoutAll }', variables: () => ({}), ownUser: true },
    'Mutation.changePassword': {
      access: 'VIEWER',
      query: 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }',
      variables: (caller) => ({ c: caller?.password ?? STRONG_PASSWORD(), n: STRONG_PASSWORD() }),
      ownUser: true,
    },
    'Mutation.createUser': {
      access: 'ADMIN',
      query: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
      variables: () => ({ input: { username: `matrix-${randomUUID().slice(0, 8)}`, password: STRONG_PASSWORD(), role: 'VIEWER' } }),
    },
    'Mutation.updateUserRole': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!) { updateUserRole(id: $id, role: USER) { id } }',
      variables: async () => ({ id: (await server.createUser('VIEWER')).id }),
    },
    'Mutation.disableUser': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!) { disableUser(id: $id) { id } }',
      variables: async () => ({ id: (await server.createUser('VIEWER')).id }),
    },
    'Mutation.enableUser': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!) { enableUser(id: $id) { id } }',
      variables: async () => ({ id: (await server.createUser('VIEWER')).id }),
    },
    'Mutation.resetUserPassword': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!, $p: String!) { resetUserPassword(id: $id, password: $p) { id } }',
      variables: async () => ({ id: (await server.createUser('VIEWER')).id, p: STRONG_PASSWORD() }),
    },
    'Mutation.unlockUser': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!) { unlockUser(id: $id) { id } }',
      variables: async () => ({ id: (await server.createUser('VIEWER')).id }),
    },
    'Mutation.revokeCollector': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!) { revokeCollector(id: $id) { id } }',
      variables: async () => ({ id: (await server.registerCollector()).collectorId }),
    },
    'Mutation.deleteCollector': {
      access: 'ADMIN',
      query: 'mutation ($id: ID!) { deleteCollector(id: $id) }',
      variables: async () => ({ id: (await server.registerCollector()).collectorId }),
    },
    'Mutation.retireServer': {
      access: 'ADMIN',
      // Retiring is idempotent, and the other cases still work on a retired server.
      query: 'mutation ($id: ID!) { retireServer(id: $id) { id } }',
      variables: () => ({ id: serverId }),
    },
    'Mutation.updateConfig': {
      access: 'USER',
      query: 'mutation ($id: ID!) { updateConfig(serverId: $id, input: { intervalSeconds: 30 }) { intervalSeconds } }',
      variables: () => ({ id: serverId }),
    },
  };

  it('covers every root field and every field with its own directive', () => {
    const requirements = readAccessRequirements(buildSchema());
    const guarded = Object.entries(requirements).flatMap(([type, fields]) =>
      Object.entries(fields)
        .filter(([, requirement]) => ['Query', 'Mutation'].includes(type) || requirement.kind !== 'inherited')
        .map(([field]) => `${type}.${field}`),
    );
    expect(Object.keys(cases).sort()).toEqual(guarded.sort());

    for (const [name, testCase] of Object.entries(cases)) {
      const [type, field] = name.split('.') as [string, string];
      const requirement = requirements[type]![field]!;
      const declared = requirement.kind === 'role' ? requirement.role : requirement.kind;
      expect(`${name}: ${declared}`).toBe(`${name}: ${testCase.access}`);
    }
  });

  const table = Object.keys(cases).flatMap((name) => CALLERS.map((caller) => [name, caller] as const));

  it.each(table)('%s as %s', async (name, caller) => {
    const testCase = cases[name]!;
    let token: string | undefined;
    let callingUser: TestUser | undefined;
    if (caller === 'collector') {
      token = collector.token;
    } else if (caller !== 'anonymous') {
      callingUser = testCase.ownUser ? await server.createUser(caller) : users[caller];
      token = callingUser.token;
    }
    const variables = await testCase.variables(callingUser);
    const response = await server.graphql(testCase.query, variables, { token, headers: testCase.headers?.() });
    const codes = (response.body.errors ?? []).map((error) => error.extensions?.['code']);
    const expected = expectedCode(testCase.access, caller);

    if (expected === undefined) {
      expect(codes).toEqual([]);
    } else {
      expect(codes).toContain(expected);
    }
  });
});
