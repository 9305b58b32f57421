import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from '../src/db/openDatabase.js';
import { diffDatabaseShapes } from './helpers/diffDatabaseShapes.js';
import { expectedDatabaseShape } from './helpers/expectedDatabaseShape.js';
import { introspectDatabase, type DatabaseShape, type IndexShape } from './helpers/introspectDatabase.js';
import { parsePrismaSchema, SchemaSyntaxError } from './helpers/prismaSchema.js';
import { createTestDatabase, databaseKinds } from './helpers/testDatabase.js';

// Catches drift between prisma/schema.prisma and prisma/migrations without
// Prisma's schema engine: the migrations are applied to a fresh database,
// which is introspected and compared with what the schema implies.

const schemaSource = readFileSync(fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url)), 'utf8');

/** Indexes that the migrations add by hand because schema.prisma cannot express them. */
const HAND_WRITTEN_INDEXES: Array<{ table: string; index: IndexShape }> = [
  {
    table: 'alerts',
    index: {
      name: 'alerts_open_key',
      columns: ['server_id', 'rule', 'subject'],
      unique: true,
      method: 'btree',
      predicate: `(state <> 'RESOLVED'::"AlertState")`,
    },
  },
  {
    table: 'collectors',
    index: {
      name: 'collectors_hostname_active_key',
      columns: ['hostname'],
      unique: true,
      method: 'btree',
      predicate: '(deleted_at IS NULL)',
    },
  },
];

function expectedShape(source: string): DatabaseShape {
  const shape = expectedDatabaseShape(parsePrismaSchema(source));
  for (const { table, index } of HAND_WRITTEN_INDEXES) {
    shape.tables.find((candidate) => candidate.name === table)?.indexes.push(index);
  }
  return shape;
}

/** Returns schema.prisma with `search` replaced, failing loudly if the text is gone. */
function editedSchema(search: string, replacement: string): string {
  if (!schemaSource.includes(search)) {
    throw new Error(`schema.prisma no longer contains ${JSON.stringify(search)}; update this test`);
  }
  return schemaSource.replace(search, replacement);
}

describe.each(databaseKinds())('schema drift on %s', (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await database.close();
  });

  test('migrations match schema.prisma', async () => {
    const actual = await introspectDatabase(database.runner);

    expect(diffDatabaseShapes(expectedShape(schemaSource), actual)).toEqual([]);
  });

  test.each([
    [
      'extra column',
      editedSchema('  username     String         @unique @db.VarChar(64)\n', '  username     String         @unique @db.VarChar(64)\n  nickname     String?\n'),
      'table users: missing column nickname',
    ],
    [
      'extra index',
      editedSchema('  @@map("users")', '  @@index([role])\n  @@map("users")'),
      'table users: missing index users_role_idx',
    ],
    [
      'changed length',
      editedSchema('@unique @db.VarChar(64)', '@unique @db.VarChar(80)'),
      'table users: column username: type is "character varying(64)", expected "character varying(80)"',
    ],
    [
      'changed nullability',
      editedSchema('  hostname    String            @db.VarChar(255)', '  hostname    String?           @db.VarChar(255)'),
      'table collectors: column hostname: nullable is false, expected true',
    ],
    [
      'changed default',
      editedSchema('@default("") @db.VarChar(300)', '@default("none") @db.VarChar(300)'),
      `table alerts: column subject: default is "''", expected "'none'"`,
    ],
    [
      'changed ON DELETE',
      editedSchema('references: [id], onDelete: Cascade)\n  family ', 'references: [id], onDelete: Restrict)\n  family '),
      'table refresh_tokens: foreign key refresh_tokens_user_id_fkey: ON DELETE is "Cascade", expected "Restrict"',
    ],
    [
      'extra enum value',
      editedSchema('  USER\n  VIEWER\n', '  USER\n  VIEWER\n  AUDITOR\n'),
      'enum Role: values is ["ADMIN","USER","VIEWER"], expected ["ADMIN","USER","VIEWER","AUDITOR"]',
    ],
    [
      'changed primary key',
      editedSchema('@@id([serverId, collectedAt, mode, granted])', '@@id([serverId, collectedAt, mode])'),
      'table lock_samples: primary key is lock_samples_pkey (server_id, collected_at, mode, granted), expected lock_samples_pkey (server_id, collected_at, mode)',
    ],
  ])('reports schema with %s', async (_label, source, difference) => {
    const actual = await introspectDatabase(database.runner);

    expect(diffDatabaseShapes(expectedShape(source), actual)).toEqual([difference]);
  });
});

describe.each(databaseKinds())('schema drift in changed database on %s', (kind) => {
  let database: Database;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });

  afterEach(async () => {
    await database.close();
  });

  test('reports unexpected table', async () => {
    await database.runner.exec('CREATE TABLE stray_table (id INTEGER PRIMARY KEY)');

    const differences = diffDatabaseShapes(expectedShape(schemaSource), await introspectDatabase(database.runner));

    expect(differences).toEqual(['unexpected table stray_table']);
  });

  test('reports missing hand-written index', async () => {
    await database.runner.exec('DROP INDEX alerts_open_key');

    const differences = diffDatabaseShapes(expectedShape(schemaSource), await introspectDatabase(database.runner));

    expect(differences).toEqual(['table alerts: missing index alerts_open_key']);
  });

  test('reports changed index column order', async () => {
    await database.runner.exec('DROP INDEX alerts_state_opened_at_idx; CREATE INDEX alerts_state_opened_at_idx ON alerts (opened_at, state)');

    const differences = diffDatabaseShapes(expectedShape(schemaSource), await introspectDatabase(database.runner));

    expect(differences).toEqual([
      'table alerts: index alerts_state_opened_at_idx: columns is ["opened_at","state"], expected ["state","opened_at"]',
    ]);
  });
});

describe('parsePrismaSchema', () => {
  test('reads project schema details', () => {
    const schema = parsePrismaSchema(schemaSource);
    const user = schema.models.find((model) => model.name === 'User');
    const refreshToken = schema.models.find((model) => model.name === 'RefreshToken');
    const serverConfig = schema.models.find((model) => model.name === 'ServerConfig');

    expect(user?.mappedName).toBe('users');
    expect(user?.fields.find((field) => field.name === 'username')).toMatchObject({
      kind: 'scalar',
      isUnique: true,
      nativeType: { name: 'VarChar', args: [64] },
    });
    expect(user?.fields.find((field) => field.name === 'role')).toMatchObject({ kind: 'enum', type: 'Role' });
    expect(user?.fields.find((field) => field.name === 'refreshTokens')).toMatchObject({ kind: 'relation', isList: true });
    expect(refreshToken?.fields.find((field) => field.name === 'user')?.relation).toEqual({
      fields: ['userId'],
      references: ['id'],
      onDelete: 'Cascade',
    });
    expect(refreshToken?.indexes).toEqual([['userId'], ['familyId']]);
    expect(serverConfig?.fields.find((field) => field.name === 'families')).toMatchObject({ isList: true, isOptional: false });
    expect(schema.enums.map((prismaEnum) => prismaEnum.name)).toEqual([
      'Role', 'AlertSeverity', 'AlertState', 'AlertComparison', 'AlertRuleScope', 'NotificationChannelKind', 'DeliveryStatus',
    ]);
  });

  const model = (body: string): string => `model Thing {\n  id String @id\n${body}\n}\n`;

  test.each([
    ['unknown field attribute', model('  name String @ignore'), /@ignore is not supported/],
    ['unknown native type argument', model('  name String @db.VarChar(length: 3)'), /accepts only positional numbers/],
    ['unknown model attribute', model('  @@schema("analytics")'), /@@schema is not supported/],
    ['named index', model('  name String\n  @@index([name], map: "by_name")'), /takes 1 argument/],
    ['unknown relation argument', `${model('  other Other @relation(fields: [id], references: [id], map: "x")')}model Other {\n  id String @id\n}\n`, /argument map is not supported/],
    ['unsupported default', model('  count Int @default(autoincrement())'), /@default supports only/],
    ['unknown type', model('  name Text'), /unknown type Text/],
    ['view block', 'view Summary {\n  id String @id\n}\n', /expected a model, enum, generator or datasource block/],
    ['attribute over two lines', model('  @@index([\n  id])'), /schema.prisma line/],
    ['enum value attribute', 'enum Color {\n  RED @map("red")\n}\n', /enum value attributes are not supported/],
    ['other provider', 'datasource db {\n  provider = "mysql"\n}\n', /provider "mysql" is not supported/],
  ])('rejects %s', (_label, source, message) => {
    expect(() => parsePrismaSchema(source)).toThrow(message);
  });

  test('names line of syntax error', () => {
    expect(() => parsePrismaSchema(model('  name String @ignore'))).toThrow(SchemaSyntaxError);
    expect(() => parsePrismaSchema(model('  name String @ignore'))).toThrow(/^schema.prisma line 3: /);
  });
});
