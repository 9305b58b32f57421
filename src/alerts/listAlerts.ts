import type { Alert, PrismaClient } from '../generated/prisma/client.js';
import type { AlertSeverity, AlertState } from '../generated/prisma/enums.js';
import { BadUserInputError } from '../errors.js';

export const MAX_PAGE_SIZE = 200;

export interface AlertPage {
  nodes: Alert[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

interface Cursor {
  openedAt: Date;
  id: string;
}

// A cursor is the position of the last alert of a page in the order
// (opened_at DESC, id DESC), encoded so that clients treat it as opaque.
function encodeCursor(alert: Alert): string {
  return Buffer.from(JSON.stringify([alert.openedAt.toISOString(), alert.id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [openedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(openedAt));
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) {
      throw new Error('bad cursor');
    }
    return { openedAt: date, id };
  } catch {
    throw new BadUserInputError('after is not a cursor returned by alerts', 'after');
  }
}

export interface AlertQuery {
  serverId?: string | null;
  state?: AlertState | null;
  severity?: AlertSeverity | null;
  /** Inclusive lower bound of openedAt. */
  from?: Date | null;
  /** Exclusive upper bound of openedAt. */
  to?: Date | null;
  first?: number | null;
  after?: string | null;
}

/** Lists alerts newest first, filtered by server, state, severity and openedAt range, one page at a time. */
export async function listAlerts(prisma: PrismaClient, query: AlertQuery): Promise<AlertPage> {
  const first = query.first ?? 50;
  if (first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  if (query.from && query.to && query.from.getTime() >= query.to.getTime()) {
    throw new BadUserInputError('from must be before to', 'from');
  }
  const after = query.after ? decodeCursor(query.after) : undefined;
  const openedAt = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) };

  const rows = await prisma.alert.findMany({
    where: {
      ...(query.serverId ? { serverId: query.serverId } : {}),
      ...(query.state ? { state: query.state } : {}),
      ...(query.severity ? { severity: query.severity } : {}),
      ...(query.from || query.to ? { openedAt } : {}),
      ...(after
        ? { OR: [{ openedAt: { lt: after.openedAt } }, { openedAt: after.openedAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
    take: first + 1,
  });

  const nodes = rows.slice(0, first);
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { endCursor: last ? encodeCursor(last) : null, hasNextPage: rows.length > first } };
}
