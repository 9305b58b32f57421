import type { AlertRule, Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { CreateAlertRuleInput, UpdateAlertRuleInput } from '../generated/graphql.js';
import { BadUserInputError, ConflictError } from '../errors.js';
import { isUniqueViolation } from '../db/prismaErrors.js';
import { requireUuid } from '../graphql/requireUuid.js';
import { recordAlertChanges, type AlertChange } from './recordAlertChanges.js';
import { validateAlertRule, type RuleFields } from './validateAlertRule.js';

async function requireServer(prisma: PrismaClient, serverId: string | null): Promise<void> {
  if (serverId !== null && !(await prisma.monitoredServer.findUnique({ where: { id: serverId }, select: { id: true } }))) {
    throw new BadUserInputError(`No server has id ${serverId}`, 'input.serverId');
  }
}

/** Resolves the firing alerts of a rule and drops its pending ones, so a disabled or deleted rule leaves nothing open. */
async function closeRuleAlerts(tx: Prisma.TransactionClient, ruleId: string, at: Date): Promise<void> {
  const open = await tx.alert.findMany({ where: { ruleId, state: { in: ['PENDING', 'FIRING'] } } });
  const changes: AlertChange[] = open.map((alert) =>
    alert.state === 'PENDING'
      ? { kind: 'discarded', alert, event: null }
      : { kind: 'updated', alert: { ...alert, state: 'RESOLVED', resolvedAt: at, updatedAt: at }, event: 'RESOLVED' },
  );
  await recordAlertChanges(tx, changes, at);
}

export async function createAlertRule(prisma: PrismaClient, input: CreateAlertRuleInput, updatedBy: string, now: Date): Promise<AlertRule> {
  const fields: RuleFields = {
    key: input.key,
    description: input.description ?? '',
    comparison: input.comparison,
    warningThreshold: input.warningThreshold ?? null,
    criticalThreshold: input.criticalThreshold ?? null,
    forSeconds: input.forSeconds ?? 0,
    scope: input.scope,
    serverId: input.serverId ? requireUuid(input.serverId, 'input.serverId') : null,
    label: input.label ?? null,
  };
  validateAlertRule(fields);
  await requireServer(prisma, fields.serverId);

  try {
    return await prisma.alertRule.create({
      data: { ...fields, metric: input.metric, enabled: input.enabled ?? true, createdAt: now, updatedAt: now, updatedBy },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`An alert rule with key ${input.key} already exists`);
    }
    throw error;
  }
}

/** Merges an update into a rule: undefined keeps a field, null clears a nullable one. */
function mergeRule(rule: AlertRule, input: UpdateAlertRuleInput): RuleFields {
  const keep = <T>(value: T | null | undefined, current: T): T => (value === undefined || value === null ? current : value);
  const clearable = <T>(value: T | null | undefined, current: T | null): T | null => (value === undefined ? current : value);
  const scope = keep(input.scope, rule.scope);
  // The target of the old scope is dropped when the scope changes; a target
  // given for another scope stays so that validation names it.
  const serverId = scope === 'SERVER' ? clearable(input.serverId, rule.serverId) : (input.serverId ?? null);
  return {
    key: rule.key,
    description: keep(input.description, rule.description),
    comparison: keep(input.comparison, rule.comparison),
    warningThreshold: clearable(input.warningThreshold, rule.warningThreshold),
    criticalThreshold: clearable(input.criticalThreshold, rule.criticalThreshold),
    forSeconds: keep(input.forSeconds, rule.forSeconds),
    scope,
    serverId: serverId === null ? null : requireUuid(serverId, 'input.serverId'),
    label: scope === 'LABEL' ? clearable(input.label, rule.label) : (input.label ?? null),
  };
}

export async function updateAlertRule(
  prisma: PrismaClient,
  id: string,
  input: UpdateAlertRuleInput,
  updatedBy: string,
  now: Date,
): Promise<AlertRule> {
  const rule = await prisma.alertRule.findUnique({ where: { id } });
  if (!rule) {
    throw new BadUserInputError(`No alert rule has id ${id}`, 'id');
  }
  const fields = mergeRule(rule, input);
  validateAlertRule(fields);
  await requireServer(prisma, fields.serverId);
  const enabled = input.enabled ?? rule.enabled;

  return prisma.$transaction(async (tx) => {
    const { key: _key, ...changed } = fields;
    const updated = await tx.alertRule.update({ where: { id }, data: { ...changed, enabled, updatedAt: now, updatedBy } });
    if (!enabled) {
      await closeRuleAlerts(tx, id, now);
    }
    return updated;
  });
}

/** Deletes a rule after closing its open alerts. Returns false when no rule had the id. */
export async function deleteAlertRule(prisma: PrismaClient, id: string, now: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const rule = await tx.alertRule.findUnique({ where: { id } });
    if (!rule) {
      return false;
    }
    await closeRuleAlerts(tx, id, now);
    await tx.alertRule.delete({ where: { id } });
    return true;
  });
}
