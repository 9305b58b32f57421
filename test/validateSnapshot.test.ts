import { coerceInputValue, type GraphQLInputType } from 'graphql';
import { buildSchema } from '../src/graphql/buildSchema.js';
import { validateSnapshot } from '../src/metrics/validateSnapshot.js';
import type { PushMetricsInput } from '../src/generated/graphql.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';

const COLLECTOR_ID = '00000000-0000-4000-8000-000000000001';

// GraphQL Float already rejects NaN and Infinity, so these checks reach
// validateSnapshot only through a caller that skips the GraphQL layer.
function coercedFixture(): PushMetricsInput {
  const inputType = buildSchema().getType('PushMetricsInput') as GraphQLInputType;
  return coerceInputValue(snapshotFixture(COLLECTOR_ID), inputType) as PushMetricsInput;
}

function withLockWait(value: number | null | undefined): PushMetricsInput {
  const input = coercedFixture();
  return { ...input, activity: { ...input.activity, longestLockWaitSeconds: value } };
}

describe('validateSnapshot lock wait', () => {
  it.each([
    ['a negative value', -0.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects %s', (_case, value) => {
    const check = () => validateSnapshot(withLockWait(value), new Date());
    expect(check).toThrow(expect.objectContaining({
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.activity.longestLockWaitSeconds' }),
    }));
  });

  it.each([
    ['an absent value', undefined, undefined],
    ['null', null, null],
    ['zero', 0, 0],
    ['a fractional value', 12.5, 12.5],
  ])('accepts %s', (_case, value, expected) => {
    const snapshot = validateSnapshot(withLockWait(value), new Date());
    expect(snapshot.activity.longestLockWaitSeconds).toBe(expected);
  });
});
