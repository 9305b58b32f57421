import type { AlertComparison, AlertSeverity } from '../generated/prisma/enums.js';

/** The parts of a rule that decide when it fires. */
export interface RuleCondition {
  comparison: AlertComparison;
  warningThreshold: number | null;
  criticalThreshold: number | null;
  /** Seconds the condition must hold before the alert fires. */
  forSeconds: number;
}

/** The open alert of a rule and subject, as evaluation needs it. */
export interface OpenAlertState {
  state: 'PENDING' | 'FIRING';
  severity: AlertSeverity;
  /** When the condition started to hold. */
  openedAt: Date;
}

export interface Crossing {
  severity: AlertSeverity;
  threshold: number;
}

/**
 * The outcome of evaluating a rule and subject.
 * open: no alert was open and the value crosses a threshold (PENDING, or FIRING when the rule has no duration).
 * fire: a pending alert crossed for the rule's whole duration.
 * update: the open alert stays open with a new value, and maybe a new severity.
 * resolve: a firing alert's value no longer crosses.
 * discard: a pending alert's value no longer crosses before it fired.
 */
export type Transition =
  | { kind: 'none' }
  | { kind: 'open'; state: 'PENDING' | 'FIRING'; crossing: Crossing }
  | { kind: 'fire'; crossing: Crossing; severityChanged: boolean }
  | { kind: 'update'; crossing: Crossing; severityChanged: boolean }
  | { kind: 'resolve' }
  | { kind: 'discard' };

function crosses(comparison: AlertComparison, value: number, threshold: number | null): threshold is number {
  if (threshold === null) {
    return false;
  }
  return comparison === 'ABOVE' ? value > threshold : value < threshold;
}

/** Returns the highest severity whose threshold the value crosses, or null when it crosses none. */
export function crossingOf(rule: RuleCondition, value: number): Crossing | null {
  if (crosses(rule.comparison, value, rule.criticalThreshold)) {
    return { severity: 'CRITICAL', threshold: rule.criticalThreshold };
  }
  if (crosses(rule.comparison, value, rule.warningThreshold)) {
    return { severity: 'WARNING', threshold: rule.warningThreshold };
  }
  return null;
}

/**
 * Decides the transition of one rule and subject at time `at`. `value` is
 * undefined when the snapshot has no value for the subject (a standby that
 * disconnected), which ends the alert like a recovered value. Time comes
 * from the caller, so tests drive durations without waiting.
 */
export function evaluateRule(
  rule: RuleCondition,
  open: OpenAlertState | undefined,
  value: number | undefined,
  at: Date,
): Transition {
  const crossing = value === undefined ? null : crossingOf(rule, value);

  if (crossing === null) {
    if (open === undefined) {
      return { kind: 'none' };
    }
    return open.state === 'PENDING' ? { kind: 'discard' } : { kind: 'resolve' };
  }

  if (open === undefined) {
    return { kind: 'open', state: rule.forSeconds > 0 ? 'PENDING' : 'FIRING', crossing };
  }

  const severityChanged = crossing.severity !== open.severity;
  const heldSeconds = (at.getTime() - open.openedAt.getTime()) / 1000;
  if (open.state === 'PENDING' && heldSeconds >= rule.forSeconds) {
    return { kind: 'fire', crossing, severityChanged };
  }
  return { kind: 'update', crossing, severityChanged };
}
