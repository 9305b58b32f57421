import type { AlertComparison, AlertRuleScope } from '../generated/prisma/enums.js';
import { BadUserInputError } from '../errors.js';

export const RULE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Rule key of the alerts the not-reporting job opens; no rule row may take it. */
export const NOT_REPORTING_RULE = 'server_not_reporting';
export const MAX_FOR_SECONDS = 86_400;
export const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,62}$/;

/** A rule's fields after merging an update, before they are stored. */
export interface RuleFields {
  key: string;
  description: string;
  comparison: AlertComparison;
  warningThreshold: number | null;
  criticalThreshold: number | null;
  forSeconds: number;
  scope: AlertRuleScope;
  serverId: string | null;
  label: string | null;
}

function checkThresholds(rule: RuleFields): void {
  const { warningThreshold: warning, criticalThreshold: critical, comparison } = rule;
  if (warning === null && critical === null) {
    throw new BadUserInputError('Set warningThreshold, criticalThreshold or both', 'input.warningThreshold');
  }
  for (const [field, value] of [['warningThreshold', warning], ['criticalThreshold', critical]] as const) {
    if (value !== null && !Number.isFinite(value)) {
      throw new BadUserInputError(`${field} must be a finite number`, `input.${field}`);
    }
  }
  if (warning === null || critical === null) {
    return;
  }
  if (comparison === 'ABOVE' && !(warning < critical)) {
    throw new BadUserInputError(`With comparison ABOVE, warningThreshold (${warning}) must be less than criticalThreshold (${critical})`, 'input.criticalThreshold');
  }
  if (comparison === 'BELOW' && !(warning > critical)) {
    throw new BadUserInputError(`With comparison BELOW, warningThreshold (${warning}) must be greater than criticalThreshold (${critical})`, 'input.criticalThreshold');
  }
}

function checkScope(rule: RuleFields): void {
  if (rule.scope === 'SERVER' && rule.serverId === null) {
    throw new BadUserInputError('scope SERVER needs a serverId', 'input.serverId');
  }
  if (rule.scope === 'LABEL' && rule.label === null) {
    throw new BadUserInputError('scope LABEL needs a label', 'input.label');
  }
  if (rule.scope !== 'SERVER' && rule.serverId !== null) {
    throw new BadUserInputError(`serverId is only allowed with scope SERVER, not ${rule.scope}`, 'input.serverId');
  }
  if (rule.scope !== 'LABEL' && rule.label !== null) {
    throw new BadUserInputError(`label is only allowed with scope LABEL, not ${rule.scope}`, 'input.label');
  }
  if (rule.label !== null && !LABEL_PATTERN.test(rule.label)) {
    throw new BadUserInputError('label must be 1 to 63 letters, digits or _ . : / -, starting with a letter or digit', 'input.label');
  }
}

/** Throws BadUserInputError naming the first invalid field of a rule. */
export function validateAlertRule(rule: RuleFields): void {
  if (!RULE_KEY_PATTERN.test(rule.key)) {
    throw new BadUserInputError('key must be 1 to 64 lower-case letters, digits or underscores, starting with a letter', 'input.key');
  }
  if (rule.key === NOT_REPORTING_RULE) {
    throw new BadUserInputError(`key ${NOT_REPORTING_RULE} is reserved for the not-reporting check`, 'input.key');
  }
  if (rule.description.length > 1000) {
    throw new BadUserInputError('description must be at most 1000 characters', 'input.description');
  }
  if (!Number.isInteger(rule.forSeconds) || rule.forSeconds < 0 || rule.forSeconds > MAX_FOR_SECONDS) {
    throw new BadUserInputError(`forSeconds must be between 0 and ${MAX_FOR_SECONDS}`, 'input.forSeconds');
  }
  checkThresholds(rule);
  checkScope(rule);
}
