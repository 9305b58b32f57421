import { collectTargets } from '../src/collector/collectTargets.js';
import { createCollectorLogger } from '../src/collector/collectorLogger.js';
import { LogCapture } from './helpers/captureLogs.js';

const liveUrl = process.env.TEST_DATABASE_URL;
const describeLive = liveUrl ? describe : describe.skip;
const SHARED_SERVER = 'several targets reach one PostgreSQL server; keep one target per server, because their table lists would alternate';
const OPTIONS = { collectorId: '00000000-0000-0000-0000-000000000000', statementTimeoutMs: 5000, statementsLimit: 5, statementsQueryText: false, relationsLimit: 5 };

/** Two databases of the local PostgreSQL are two targets of one server. */
describeLive('collectTargets on one server', () => {
  it('warns once about targets sharing a server', async () => {
    const other = new URL(liveUrl!);
    other.pathname = '/postgres';
    const logs = new LogCapture();
    const logger = createCollectorLogger('debug', logs);

    const first = await collectTargets([liveUrl!, other.toString()], OPTIONS, logger);
    await collectTargets([liveUrl!, other.toString()], OPTIONS, logger);

    expect(first).toHaveLength(2);
    const warnings = logs.find(SHARED_SERVER);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!['targets']).toHaveLength(2);
    expect(String(warnings[0]!['systemIdentifier'])).toBe(first[0]!.server.systemIdentifier);
  });

  it('stays quiet for one target', async () => {
    const logs = new LogCapture();
    await collectTargets([liveUrl!], OPTIONS, createCollectorLogger('debug', logs));
    expect(logs.find(SHARED_SERVER)).toEqual([]);
  });
});
