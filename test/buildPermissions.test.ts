import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import { graphql } from 'graphql';
import { buildPermissions } from '../src/auth/buildPermissions.js';
import { MissingAccessDirectiveError, readAccessRequirements } from '../src/auth/readAccessRequirements.js';
import type { Principal } from '../src/auth/principal.js';
import { BadUserInputError } from '../src/errors.js';

// Each test builds a throwaway schema with the project's directives and one
// or two fields, so a failure points at one rule.
const DIRECTIVES = `
  enum Role { ADMIN USER VIEWER }
  directive @auth(requires: Role = VIEWER) on FIELD_DEFINITION | OBJECT
  directive @public on FIELD_DEFINITION
  directive @collector on FIELD_DEFINITION
`;

function schemaWith(typeDefs: string, resolvers: Record<string, Record<string, unknown>>) {
  const schema = makeExecutableSchema({ typeDefs: DIRECTIVES + typeDefs, resolvers });
  return applyMiddleware(schema, buildPermissions(schema));
}

async function run(schema: ReturnType<typeof schemaWith>, source: string, principal: Principal) {
  const result = await graphql({ schema, source, contextValue: { principal } });
  return { data: result.data, codes: (result.errors ?? []).map((error) => error.extensions['code']) };
}

const viewer: Principal = { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', username: 'viewer', role: 'VIEWER', sessionId: undefined, mustChangePassword: false };
const user: Principal = { kind: 'user', userId: '00000000-0000-4000-8000-000000000002', username: 'user', role: 'USER', sessionId: undefined, mustChangePassword: false };
const admin: Principal = { kind: 'user', userId: '00000000-0000-4000-8000-000000000003', username: 'admin', role: 'ADMIN', sessionId: undefined, mustChangePassword: false };
const collector: Principal = { kind: 'collector', collectorId: '00000000-0000-4000-8000-000000000004' };

describe('readAccessRequirements', () => {
  it('fails when a root field has no directive', () => {
    const schema = makeExecutableSchema({ typeDefs: DIRECTIVES + 'type Query { open: Int @public  forgotten: Int }' });
    expect(() => readAccessRequirements(schema)).toThrow(MissingAccessDirectiveError);
    expect(() => readAccessRequirements(schema)).toThrow(/Query\.forgotten/);
  });

  it('fails when a field has two directives', () => {
    const schema = makeExecutableSchema({ typeDefs: DIRECTIVES + 'type Query { both: Int @public @collector }' });
    expect(() => readAccessRequirements(schema)).toThrow(/more than one access directive/);
  });

  it('lets a field directive override its type', () => {
    const schema = makeExecutableSchema({
      typeDefs: DIRECTIVES + 'type Query { t: T @public } type T @auth(requires: USER) { a: Int  b: Int @auth(requires: ADMIN) }',
    });
    const requirements = readAccessRequirements(schema);
    expect(requirements['T']?.['a']).toEqual({ kind: 'role', role: 'USER' });
    expect(requirements['T']?.['b']).toEqual({ kind: 'role', role: 'ADMIN' });
  });
});

describe('buildPermissions', () => {
  it('allows @public to anonymous callers', async () => {
    const schema = schemaWith('type Query { hello: String @public }', { Query: { hello: () => 'hi' } });
    expect(await run(schema, '{ hello }', { kind: 'anonymous' })).toEqual({ data: { hello: 'hi' }, codes: [] });
  });

  it('orders roles ADMIN > USER > VIEWER', async () => {
    const schema = schemaWith('type Query { change: Int @auth(requires: USER) }', { Query: { change: () => 1 } });
    expect((await run(schema, '{ change }', viewer)).codes).toEqual(['FORBIDDEN']);
    expect((await run(schema, '{ change }', user)).codes).toEqual([]);
    expect((await run(schema, '{ change }', admin)).codes).toEqual([]);
  });

  it('asks anonymous and invalid callers to authenticate', async () => {
    const schema = schemaWith('type Query { read: Int @auth }', { Query: { read: () => 1 } });
    expect((await run(schema, '{ read }', { kind: 'anonymous' })).codes).toEqual(['UNAUTHENTICATED']);
    const invalid = await graphql({ schema, source: '{ read }', contextValue: { principal: { kind: 'invalid', reason: 'token has expired' } } });
    expect(invalid.errors?.[0]?.message).toMatch(/token has expired/);
  });

  it('keeps collectors and users apart', async () => {
    const schema = schemaWith('type Query { push: Int @collector  read: Int @auth }', {
      Query: { push: () => 1, read: () => 2 },
    });
    expect((await run(schema, '{ push }', collector)).codes).toEqual([]);
    expect((await run(schema, '{ push }', admin)).codes).toEqual(['FORBIDDEN']);
    expect((await run(schema, '{ read }', collector)).codes).toEqual(['FORBIDDEN']);
  });

  it('guards a nested field with its own directive', async () => {
    const schema = schemaWith('type Query { t: T @auth } type T { open: Int  secret: Int @auth(requires: ADMIN) }', {
      Query: { t: () => ({ open: 1, secret: 2 }) },
    });
    const result = await run(schema, '{ t { open secret } }', viewer);
    expect(result.data).toEqual({ t: { open: 1, secret: null } });
    expect(result.codes).toEqual(['FORBIDDEN']);
  });

  it('passes resolver errors through with their code', async () => {
    const schema = schemaWith('type Query { bad: Int @public }', {
      Query: { bad: () => { throw new BadUserInputError('bad value', 'x'); } },
    });
    const result = await graphql({ schema, source: '{ bad }', contextValue: { principal: { kind: 'anonymous' } } });
    expect(result.errors?.[0]?.message).toBe('bad value');
    expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
  });
});
