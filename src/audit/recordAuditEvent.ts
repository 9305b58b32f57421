import type { GraphQLContext } from '../context.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/** Audited operations. The GraphQL enum AuditAction lists the same names. */
export type AuditAction =
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_UNLOCKED'
  | 'REFRESH_TOKEN_REUSED'
  | 'LOGOUT'
  | 'LOGOUT_ALL'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET'
  | 'PASSWORD_REHASHED'
  | 'USER_CREATED'
  | 'USER_ROLE_CHANGED'
  | 'USER_DISABLED'
  | 'USER_ENABLED'
  | 'COLLECTOR_REGISTERED'
  | 'COLLECTOR_REGISTRATION_FAILED'
  | 'COLLECTOR_REVOKED'
  | 'COLLECTOR_DELETED'
  | 'CONFIG_UPDATED'
  | 'SERVER_RETIRED';

export type ActorType = 'user' | 'collector' | 'anonymous' | 'system';

/** Actor and client address of an operation, as recorded in each event. */
export interface AuditOrigin {
  actorType: ActorType;
  actorId?: string | undefined;
  actorName?: string | undefined;
  address?: string | undefined;
  requestId?: string | undefined;
}

export interface AuditEntry {
  action: AuditAction;
  target?: { type: 'user' | 'collector' | 'server'; id?: string | undefined; name?: string | undefined };
  /** Small structured facts, such as a reason or an old and new role. Never a secret. */
  details?: Record<string, string | number | boolean | null>;
}

/** Describes the sender of a GraphQL request for the audit log. */
export function auditOriginOf(context: Pick<GraphQLContext, 'principal' | 'clientAddress' | 'requestId'>): AuditOrigin {
  const { principal } = context;
  const origin = { address: context.clientAddress, requestId: context.requestId };
  if (principal.kind === 'user') {
    return { ...origin, actorType: 'user', actorId: principal.userId, actorName: principal.username };
  }
  if (principal.kind === 'collector') {
    return { ...origin, actorType: 'collector', actorId: principal.collectorId };
  }
  return { ...origin, actorType: 'anonymous' };
}

/**
 * Appends one event to audit_events. Pass a transaction client to record
 * the event atomically with the change it describes.
 */
export async function recordAuditEvent(
  prisma: PrismaClient | Prisma.TransactionClient,
  origin: AuditOrigin,
  entry: AuditEntry,
  occurredAt: Date,
): Promise<void> {
  await prisma.auditEvent.create({
    data: {
      occurredAt,
      action: entry.action,
      actorType: origin.actorType,
      actorId: origin.actorId ?? null,
      actorName: origin.actorName?.slice(0, 255) ?? null,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id?.slice(0, 64) ?? null,
      targetName: entry.target?.name?.slice(0, 255) ?? null,
      address: origin.address?.slice(0, 64) ?? null,
      requestId: origin.requestId?.slice(0, 64) ?? null,
      ...(entry.details === undefined ? {} : { details: entry.details }),
    },
  });
}
