import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { BadUserInputError } from '../errors.js';

// ISO 8601 with a required offset or Z, so that a time never depends on the
// server's time zone.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const MIN_INT8 = -(2n ** 63n);
const MAX_INT8 = 2n ** 63n - 1n;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw new BadUserInputError(`DateTime must be an ISO 8601 string with a time zone, such as 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new BadUserInputError(`DateTime ${JSON.stringify(value)} is not a valid date`);
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) {
      throw new TypeError('DateTime cannot represent an invalid date');
    }
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast: ValueNode) {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});

function parseBigInt(value: unknown): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d{1,19}$/.test(text)) {
    throw new BadUserInputError(`BigInt must be a decimal integer string; got ${JSON.stringify(value)}`);
  }
  const parsed = BigInt(text);
  if (parsed < MIN_INT8 || parsed > MAX_INT8) {
    throw new BadUserInputError(`BigInt ${text} is outside the signed 64-bit range`);
  }
  return parsed;
}

export const BigIntScalar = new GraphQLScalarType<bigint, string>({
  name: 'BigInt',
  serialize(value) {
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
      return value.toString();
    }
    throw new TypeError('BigInt cannot represent a non-integer value');
  },
  parseValue: parseBigInt,
  parseLiteral(ast: ValueNode) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) {
      return parseBigInt(ast.value);
    }
    return parseBigInt(undefined);
  },
});
