// Tokenizer and expression parser for one line of a Prisma schema. Every
// construct that prisma/schema.prisma uses fits on one line, so a line is the
// unit of parsing and a construct spread over several lines is an error.

export type Expression =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'constant'; value: string }
  | { kind: 'array'; items: Expression[] }
  | { kind: 'call'; name: string; args: Argument[] };

/** Attribute or function argument. Positional arguments have no name. */
export interface Argument {
  name: string | undefined;
  value: Expression;
}

export interface Attribute {
  /** Name without the @ or @@ prefix, such as `default` or `db.VarChar`. */
  name: string;
  args: Argument[];
}

interface Token {
  kind: 'identifier' | 'string' | 'number' | 'symbol';
  text: string;
}

const TOKEN_PATTERN = /(@@|@|[()[\],:?=])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_.]*)/y;

export class SchemaSyntaxError extends Error {
  constructor(line: number, message: string) {
    super(`schema.prisma line ${line}: ${message}`);
    this.name = 'SchemaSyntaxError';
  }
}

function tokenKind(match: RegExpExecArray): Token['kind'] {
  if (match[1]) {
    return 'symbol';
  }
  if (match[2]) {
    return 'string';
  }
  return match[3] ? 'number' : 'identifier';
}

/** Returns the line without its `//` or `///` comment, keeping `//` inside strings. */
export function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const character = line[i];
    if (inString && character === '\\') {
      i++;
    } else if (character === '"') {
      inString = !inString;
    } else if (!inString && character === '/' && line[i + 1] === '/') {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Cursor over the tokens of one line, with helpers that raise SchemaSyntaxError. */
export class TokenStream {
  private readonly tokens: Token[] = [];
  private position = 0;

  constructor(
    text: string,
    readonly line: number,
  ) {
    let index = 0;
    while (index < text.length) {
      if (/\s/.test(text.charAt(index))) {
        index++;
        continue;
      }
      TOKEN_PATTERN.lastIndex = index;
      const match = TOKEN_PATTERN.exec(text);
      if (match === null) {
        throw new SchemaSyntaxError(line, `unexpected character ${JSON.stringify(text.charAt(index))}`);
      }
      this.tokens.push({ kind: tokenKind(match), text: match[0] });
      index = TOKEN_PATTERN.lastIndex;
    }
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  /** Consumes the next token if it is the symbol `symbol`. */
  accept(symbol: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind !== 'symbol' || token.text !== symbol) {
      return false;
    }
    this.position++;
    return true;
  }

  expect(symbol: string): void {
    if (!this.accept(symbol)) {
      this.fail(`expected "${symbol}"`);
    }
  }

  expectIdentifier(): string {
    const token = this.tokens[this.position];
    if (token?.kind !== 'identifier') {
      this.fail('expected a name');
    }
    this.position++;
    return token.text;
  }

  /** Parses `@name(args)` or `@@name(args)`, where `prefix` is the expected @ or @@. */
  parseAttribute(prefix: '@' | '@@'): Attribute {
    this.expect(prefix);
    const name = this.expectIdentifier();
    const args = this.accept('(') ? this.parseArguments() : [];
    return { name, args };
  }

  fail(message: string): never {
    const found = this.tokens[this.position]?.text ?? 'end of line';
    throw new SchemaSyntaxError(this.line, `${message}, found ${JSON.stringify(found)}`);
  }

  private parseArguments(): Argument[] {
    const args: Argument[] = [];
    while (!this.accept(')')) {
      if (args.length > 0) {
        this.expect(',');
      }
      const next = this.tokens[this.position + 1];
      const isNamed = this.tokens[this.position]?.kind === 'identifier' && next?.kind === 'symbol' && next.text === ':';
      const name = isNamed ? this.expectIdentifier() : undefined;
      if (isNamed) {
        this.expect(':');
      }
      args.push({ name, value: this.parseExpression() });
    }
    return args;
  }

  private parseExpression(): Expression {
    const token = this.tokens[this.position];
    if (token === undefined) {
      this.fail('expected a value');
    }
    if (token.kind === 'string' || token.kind === 'number') {
      this.position++;
      return token.kind === 'string'
        ? { kind: 'string', value: JSON.parse(token.text) as string }
        : { kind: 'number', value: Number(token.text) };
    }
    if (this.accept('[')) {
      const items: Expression[] = [];
      while (!this.accept(']')) {
        if (items.length > 0) {
          this.expect(',');
        }
        items.push(this.parseExpression());
      }
      return { kind: 'array', items };
    }
    const name = this.expectIdentifier();
    return this.accept('(') ? { kind: 'call', name, args: this.parseArguments() } : { kind: 'constant', value: name };
  }
}
