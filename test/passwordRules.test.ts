import { TestServer, type TestUser } from './helpers/testServer.js';

const CREATE = 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id username role mustChangePassword } }';

describe('password rules', () => {
  let server: TestServer;
  let admin: TestUser;

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.createUser('ADMIN');
  });

  afterAll(async () => {
    await server.close();
  });

  async function create(username: string, password: string) {
    const response = await server.graphql(CREATE, { input: { username, password, role: 'VIEWER' } }, { token: admin.token });
    return { message: response.body.errors?.[0]?.message, extensions: response.body.errors?.[0]?.extensions, data: response.body.data };
  }

  it.each([
    ['too short', 'short-pass1', /at least 12 characters/],
    ['too long', 'é'.repeat(37), /longer than 72 bytes/],
    ['the username', 'carol-the-dba', /must not be the username/],
    ['common', 'Password1234', /list of common passwords/],
    ['keyboard walk', 'qwertyuiop123', /list of common passwords/],
  ])('rejects a password that is %s', async (_name, password, message) => {
    const result = await create('carol-the-dba', password);
    expect(result.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    expect(result.message).toMatch(message);
  });

  it('creates a user with a good password', async () => {
    const result = await create('dave-the-sre', 'a sensible long passphrase');
    expect(result.data).toEqual({ createUser: { id: expect.any(String), username: 'dave-the-sre', role: 'VIEWER', mustChangePassword: false } });
  });

  it('rejects a taken username', async () => {
    await create('erin-the-dev', 'a sensible long passphrase');
    const again = await create('erin-the-dev', 'another sensible passphrase');
    expect(again.extensions?.['code']).toBe('CONFLICT');
  });
});
