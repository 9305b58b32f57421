import type { AuditEvent, PrismaClient } from '../generated/prisma/client.js';
import { BadUserInputError } from '../errors.js';
import { requireUuid } from '../graphql/requireUuid.js';

export const MAX_AUDIT_PAGE_SIZE = 200;

export interface AuditEventPage {
  nodes: AuditEvent[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface AuditEventQuery {
  actorId?: string | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
  first?: number | null;
  after?: string | null;
}

// A cursor is the position of the last event of a page in the order
// (occurred_at DESC, id DESC), encoded so that clients treat it as opaque.
function encodeCursor(event: AuditEvent): string {
  return Buffer.from(JSON.stringify([event.occurredAt.toISOString(), event.id])).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  try {
    const [occurredAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(occurredAt));
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) {
      throw new Error('bad cursor');
    }
    return { occurredAt: date, id };
  } catch {
    throw new BadUserInputError('after is not a cursor returned by auditEvents', 'after');
  }
}

/** Lists audit events newest first, filtered by actor, action and time range [from, to). */
export async function listAuditEvents(prisma: PrismaClient, query: AuditEventQuery): Promise<AuditEventPage> {
  const first = query.first ?? 50;
  if (first < 1 || first > MAX_AUDIT_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_AUDIT_PAGE_SIZE}`, 'first');
  }
  if (query.from && query.to && query.from >= query.to) {
    throw new BadUserInputError('filter.from must be earlier than filter.to', 'filter.from');
  }
  const after = query.after ? decodeCursor(query.after) : undefined;

  const rows = await prisma.auditEvent.findMany({
    where: {
      ...(query.actorId ? { actorId: requireUuid(query.actorId, 'filter.actorId') } : {}),
      ...(query.action ? { action: query.action } : {}),
      occurredAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) },
      ...(after
        ? { OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: first + 1,
  });

  const nodes = rows.slice(0, first);
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { endCursor: last ? encodeCursor(last) : null, hasNextPage: rows.length > first } };
}
