import { crossingOf, evaluateRule, type RuleCondition } from '../src/alerts/evaluateRule.js';

const above: RuleCondition = { comparison: 'ABOVE', warningThreshold: 10, criticalThreshold: 20, forSeconds: 300 };
const below: RuleCondition = { comparison: 'BELOW', warningThreshold: 0.9, criticalThreshold: 0.5, forSeconds: 0 };
const t0 = new Date('2026-01-01T00:00:00Z');
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('crossingOf', () => {
  it.each([
    [above, 5, null],
    [above, 10, null],
    [above, 15, 'WARNING'],
    [above, 25, 'CRITICAL'],
    [below, 0.95, null],
    [below, 0.7, 'WARNING'],
    [below, 0.4, 'CRITICAL'],
  ])('%j at %d', (rule, value, severity) => {
    expect(crossingOf(rule, value)?.severity ?? null).toBe(severity);
  });

  it('uses critical alone', () => {
    expect(crossingOf({ ...above, warningThreshold: null }, 15)).toBeNull();
    expect(crossingOf({ ...above, warningThreshold: null }, 25)).toEqual({ severity: 'CRITICAL', threshold: 20 });
  });
});

describe('evaluateRule', () => {
  it('opens pending with a duration', () => {
    expect(evaluateRule(above, undefined, 15, t0)).toMatchObject({ kind: 'open', state: 'PENDING' });
  });

  it('opens firing without a duration', () => {
    expect(evaluateRule(below, undefined, 0.7, t0)).toMatchObject({ kind: 'open', state: 'FIRING' });
  });

  it('stays pending before the duration', () => {
    const open = { state: 'PENDING' as const, severity: 'WARNING' as const, openedAt: t0 };
    expect(evaluateRule(above, open, 15, after(299)).kind).toBe('update');
  });

  it('fires once the duration is reached', () => {
    const open = { state: 'PENDING' as const, severity: 'WARNING' as const, openedAt: t0 };
    expect(evaluateRule(above, open, 25, after(300))).toMatchObject({ kind: 'fire', severityChanged: true });
  });

  it('discards pending on recovery', () => {
    const open = { state: 'PENDING' as const, severity: 'WARNING' as const, openedAt: t0 };
    expect(evaluateRule(above, open, 5, after(60)).kind).toBe('discard');
  });

  it('resolves firing on recovery', () => {
    const open = { state: 'FIRING' as const, severity: 'CRITICAL' as const, openedAt: t0 };
    expect(evaluateRule(above, open, 5, after(600)).kind).toBe('resolve');
  });

  it('resolves firing without a value', () => {
    const open = { state: 'FIRING' as const, severity: 'WARNING' as const, openedAt: t0 };
    expect(evaluateRule(above, open, undefined, after(600)).kind).toBe('resolve');
  });

  it('changes severity in place', () => {
    const open = { state: 'FIRING' as const, severity: 'WARNING' as const, openedAt: t0 };
    expect(evaluateRule(above, open, 25, after(600))).toMatchObject({ kind: 'update', severityChanged: true, crossing: { severity: 'CRITICAL' } });
  });

  it('does nothing within bounds', () => {
    expect(evaluateRule(above, undefined, 1, t0).kind).toBe('none');
  });
});
