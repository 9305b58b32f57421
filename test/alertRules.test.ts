import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';

const RULES = 'query { alertRules { id key metric comparison warningThreshold criticalThreshold forSeconds scope enabled } }';
const CREATE = `mutation ($input: CreateAlertRuleInput!) {
  createAlertRule(input: $input) { id key metric scope label enabled forSeconds }
}`;
const UPDATE = 'mutation ($id: ID!, $input: UpdateAlertRuleInput!) { updateAlertRule(id: $id, input: $input) { id enabled warningThreshold } }';
const ALERTS = `query ($serverId: ID, $state: AlertState, $severity: AlertSeverity, $from: DateTime, $to: DateTime) {
  alerts(serverId: $serverId, state: $state, severity: $severity, from: $from, to: $to, first: 50) {
    nodes { id rule subject severity state openedAt firedAt resolvedAt acknowledgedAt acknowledgedBy silenced history { kind state severity actor } }
  }
}`;
const ACK = 'mutation ($id: ID!) { acknowledgeAlert(id: $id) { id acknowledgedAt acknowledgedBy } }';
const SILENCE = 'mutation ($input: SilenceAlertsInput!) { silenceAlerts(input: $input) { id rule serverId endsAt createdBy } }';

interface AlertNode {
  id: string;
  rule: string;
  severity: string;
  state: string;
  firedAt: string | null;
  acknowledgedBy: string | null;
  silenced: boolean;
  history: Array<{ kind: string; state: string; severity: string; actor: string | null }>;
}

describe.each(databaseKinds())('alert rules on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;
  let viewer: TestUser;
  let collector: { collectorId: string; token: string };
  let clock = Date.now() - 6 * 3600_000;
  let systemIdentifier = 5000;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    user = await server.createUser('USER');
    viewer = await server.createUser('VIEWER');
    collector = await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  /** Pushes a snapshot `seconds` after the previous one and returns the server id. */
  async function push(change: (snapshot: SnapshotWire) => SnapshotWire, seconds = 60): Promise<string> {
    clock += seconds * 1000;
    const base = snapshotFixture(collector.collectorId, { collectedAt: new Date(clock).toISOString() });
    base.server.systemIdentifier = String(systemIdentifier);
    const response = await server.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: change(base) }, { token: collector.token });
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.pushMetrics.serverId;
  }

  async function alerts(variables: Record<string, unknown>): Promise<AlertNode[]> {
    const response = await server.graphql<{ alerts: { nodes: AlertNode[] } }>(ALERTS, variables, { token: viewer.token });
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.alerts.nodes;
  }

  const waiting = (count: number) => (s: SnapshotWire) => ({ ...s, activity: { ...s.activity, waitingOnLocks: count } });
  const connections = (total: number) => (s: SnapshotWire) => ({ ...s, activity: { ...s.activity, totalConnections: total } });

  it('lists the default rules', async () => {
    const response = await server.graphql<{ alertRules: Array<{ key: string; enabled: boolean; forSeconds: number }> }>(RULES, {}, { token: viewer.token });
    const rules = response.body.data!.alertRules;
    expect(rules).toHaveLength(12);
    expect(rules.find((rule) => rule.key === 'sessions_blocked_on_locks')).toMatchObject({
      metric: 'LONGEST_LOCK_WAIT_SECONDS', comparison: 'ABOVE', warningThreshold: 300, criticalThreshold: 600, forSeconds: 0, enabled: true,
    });
    expect(rules.filter((rule) => !rule.enabled).map((rule) => rule.key)).toEqual([]);
  });

  it('default rule descriptions are current', async () => {
    const rows = await server.database.prisma.alertRule.findMany({ where: { key: { in: ['dead_tuple_ratio', 'inactive_replication_slot', 'requested_checkpoints'] } } });
    expect(rows).toHaveLength(3);
    expect(rows.filter((rule) => rule.description.includes('Disabled'))).toEqual([]);
  });

  describe('with a duration', () => {
    // The default rules have no duration, so this rule on the session count has one.
    beforeAll(async () => {
      const created = await server.graphql(CREATE, {
        input: { key: 'waiting_sessions', metric: 'SESSIONS_WAITING_ON_LOCKS', comparison: 'ABOVE', warningThreshold: 0, forSeconds: 300, scope: 'ALL_SERVERS' },
      }, { token: user.token });
      expect(created.body.errors).toBeUndefined();
    });

    it('fires after the duration and resolves', async () => {
      systemIdentifier += 1;
      const serverId = await push(waiting(2));
      const pending = await alerts({ serverId, state: 'PENDING' });
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({ rule: 'waiting_sessions', firedAt: null });

      await push(waiting(3), 240);
      expect(await alerts({ serverId, state: 'PENDING' })).toHaveLength(1);

      await push(waiting(1), 60);
      const firing = await alerts({ serverId, state: 'FIRING' });
      expect(firing).toHaveLength(1);
      expect(firing[0]!.id).toBe(pending[0]!.id);
      expect(firing[0]!.firedAt).not.toBeNull();

      await push(waiting(0));
      const resolved = await alerts({ serverId, state: 'RESOLVED' });
      expect(resolved.map((alert) => alert.id)).toEqual([pending[0]!.id]);
      expect(resolved[0]!.history.map((event) => event.kind)).toEqual(['PENDING', 'FIRING', 'RESOLVED']);
    });

    it('discards a pending alert that recovers', async () => {
      systemIdentifier += 1;
      const serverId = await push(waiting(2));
      await push(waiting(0), 120);
      expect(await alerts({ serverId })).toHaveLength(0);
    });
  });

  it('records severity change in history', async () => {
    systemIdentifier += 1;
    const serverId = await push(connections(85));
    await push(connections(97));
    const firing = await alerts({ serverId, state: 'FIRING' });
    expect(firing).toHaveLength(1);
    expect(firing[0]!.history.map((event) => `${event.kind}/${event.severity}`)).toEqual(['FIRING/WARNING', 'SEVERITY_CHANGED/CRITICAL']);
    expect(await alerts({ serverId, severity: 'WARNING' })).toHaveLength(0);
    expect(await alerts({ serverId, severity: 'CRITICAL' })).toHaveLength(1);
  });

  it('filters by time range', async () => {
    systemIdentifier += 1;
    const serverId = await push(connections(90));
    const openedAt = new Date(clock);
    expect(await alerts({ serverId, from: openedAt.toISOString() })).toHaveLength(1);
    expect(await alerts({ serverId, to: openedAt.toISOString() })).toHaveLength(0);
    const inverted = await server.graphql(ALERTS, { from: openedAt.toISOString(), to: openedAt.toISOString() }, { token: viewer.token });
    expect(inverted.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });

  it('acknowledges once with the username', async () => {
    systemIdentifier += 1;
    const serverId = await push(connections(90));
    const [alert] = await alerts({ serverId, state: 'FIRING' });

    const denied = await server.graphql(ACK, { id: alert!.id }, { token: viewer.token });
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });

    const first = await server.graphql<{ acknowledgeAlert: { acknowledgedAt: string; acknowledgedBy: string } }>(ACK, { id: alert!.id }, { token: user.token });
    expect(first.body.data?.acknowledgeAlert.acknowledgedBy).toBe(user.username);
    const second = await server.graphql<{ acknowledgeAlert: { acknowledgedAt: string } }>(ACK, { id: alert!.id }, { token: user.token });
    expect(second.body.data?.acknowledgeAlert.acknowledgedAt).toBe(first.body.data?.acknowledgeAlert.acknowledgedAt);

    const [after] = await alerts({ serverId, state: 'FIRING' });
    expect(after!.history.map((event) => `${event.kind}/${event.actor}`)).toEqual(['FIRING/null', `ACKNOWLEDGED/${user.username}`]);

    await push(connections(10));
    const resolved = await server.graphql(ACK, { id: alert!.id }, { token: user.token });
    expect(resolved.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it('silences a server until a time', async () => {
    systemIdentifier += 1;
    const serverId = await push(connections(90));
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await server.graphql<{ silenceAlerts: { serverId: string; createdBy: string } }>(
      SILENCE, { input: { serverId, endsAt, comment: 'maintenance' } }, { token: user.token },
    );
    expect(created.body.data?.silenceAlerts).toMatchObject({ serverId, createdBy: user.username });

    const [alert] = await alerts({ serverId, state: 'FIRING' });
    expect(alert!.silenced).toBe(true);
    const listed = await server.graphql<{ alertSilences: Array<{ serverId: string }> }>('{ alertSilences { serverId } }', {}, { token: viewer.token });
    expect(listed.body.data?.alertSilences.map((silence) => silence.serverId)).toContain(serverId);
  });

  it.each([
    [{ serverId: null, rule: null }, 'input.rule'],
    [{ rule: 'long_transaction', endsAt: new Date(Date.now() - 1000).toISOString() }, 'input.endsAt'],
    [{ rule: 'long_transaction', endsAt: new Date(Date.now() + 100 * 86_400_000).toISOString() }, 'input.endsAt'],
  ])('rejects silence %j', async (input, field) => {
    const response = await server.graphql(SILENCE, { input: { endsAt: new Date(Date.now() + 60_000).toISOString(), ...input } }, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('applies a label-scoped rule', async () => {
    systemIdentifier += 1;
    const created = await server.graphql<{ createAlertRule: { id: string } }>(CREATE, {
      input: { key: 'busy_production', metric: 'CONNECTIONS', comparison: 'ABOVE', warningThreshold: 5, criticalThreshold: 50, scope: 'LABEL', label: 'production' },
    }, { token: user.token });
    expect(created.body.errors).toBeUndefined();

    const serverId = await push(connections(20));
    expect((await alerts({ serverId, state: 'FIRING' })).map((alert) => alert.rule)).not.toContain('busy_production');

    const labelled = await server.graphql('mutation ($id: ID!) { setServerLabels(serverId: $id, labels: ["production"]) { labels } }', { id: serverId }, { token: user.token });
    expect(labelled.body.data).toEqual({ setServerLabels: { labels: ['production'] } });
    await push(connections(20));
    expect((await alerts({ serverId, state: 'FIRING' })).map((alert) => alert.rule)).toContain('busy_production');

    const disabled = await server.graphql(UPDATE, { id: created.body.data!.createAlertRule.id, input: { enabled: false } }, { token: user.token });
    expect(disabled.body.errors).toBeUndefined();
    expect((await alerts({ serverId, state: 'FIRING' })).map((alert) => alert.rule)).not.toContain('busy_production');
  });

  it.each([
    [{ key: 'Bad Key' }, 'input.key'],
    [{ key: 'server_not_reporting' }, 'input.key'],
    [{ warningThreshold: null, criticalThreshold: null }, 'input.warningThreshold'],
    [{ warningThreshold: 50, criticalThreshold: 10 }, 'input.criticalThreshold'],
    [{ comparison: 'BELOW', warningThreshold: 10, criticalThreshold: 50 }, 'input.criticalThreshold'],
    [{ forSeconds: -1 }, 'input.forSeconds'],
    [{ forSeconds: 90_000 }, 'input.forSeconds'],
    [{ scope: 'SERVER' }, 'input.serverId'],
    [{ scope: 'LABEL' }, 'input.label'],
    [{ label: 'production' }, 'input.label'],
    [{ scope: 'SERVER', serverId: '00000000-0000-4000-8000-000000000000' }, 'input.serverId'],
  ])('rejects rule %j', async (change, field) => {
    const input = { key: 'valid_key', metric: 'CONNECTIONS', comparison: 'ABOVE', warningThreshold: 10, criticalThreshold: 20, scope: 'ALL_SERVERS', ...change };
    const response = await server.graphql(CREATE, { input }, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('rejects a duplicate key', async () => {
    const input = { key: 'long_transaction', metric: 'CONNECTIONS', comparison: 'ABOVE', warningThreshold: 10, scope: 'ALL_SERVERS' };
    const response = await server.graphql(CREATE, { input }, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it('keeps rule edits from viewers', async () => {
    const input = { key: 'viewer_rule', metric: 'CONNECTIONS', comparison: 'ABOVE', warningThreshold: 10, scope: 'ALL_SERVERS' };
    const response = await server.graphql(CREATE, { input }, { token: viewer.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('deletes a rule and resolves its alerts', async () => {
    systemIdentifier += 1;
    const created = await server.graphql<{ createAlertRule: { id: string } }>(CREATE, {
      input: { key: 'any_connection', metric: 'CONNECTIONS', comparison: 'ABOVE', warningThreshold: 1, scope: 'ALL_SERVERS' },
    }, { token: user.token });
    const serverId = await push(connections(5));
    expect((await alerts({ serverId, state: 'FIRING' })).map((alert) => alert.rule)).toContain('any_connection');

    const deleted = await server.graphql('mutation ($id: ID!) { deleteAlertRule(id: $id) }', { id: created.body.data!.createAlertRule.id }, { token: user.token });
    expect(deleted.body.data).toEqual({ deleteAlertRule: true });
    expect((await alerts({ serverId, state: 'RESOLVED' })).map((alert) => alert.rule)).toContain('any_connection');
  });
});
