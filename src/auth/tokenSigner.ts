import jwt from 'jsonwebtoken';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

export const TOKEN_ISSUER = 'pganalytics';
export const TOKEN_AUDIENCE = 'pganalytics-api';

/**
 * The `typ` claim keeps the three token kinds apart: an access token is not
 * accepted where a refresh or collector token is expected, and the reverse.
 */
export type TokenType = 'access' | 'refresh' | 'collector';

const baseClaims = {
  iss: z.literal(TOKEN_ISSUER),
  aud: z.literal(TOKEN_AUDIENCE),
  sub: z.uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.uuid(),
};

// `ver` is the user's or collector's token version when the token was
// signed. Tokens signed before versions existed lack it and count as 0.
const tokenVersion = z.number().int().min(0).default(0);

const claimSchemas = {
  access: z.object({
    ...baseClaims,
    typ: z.literal('access'),
    role: z.enum(['ADMIN', 'USER', 'VIEWER']),
    ver: tokenVersion,
    /** Refresh token family of the login; absent in tokens signed before families existed. */
    sid: z.uuid().optional(),
  }),
  refresh: z.object({ ...baseClaims, typ: z.literal('refresh'), fam: z.uuid() }),
  collector: z.object({ ...baseClaims, typ: z.literal('collector'), ver: tokenVersion }),
};

export type AccessClaims = z.infer<typeof claimSchemas.access>;
export type RefreshClaims = z.infer<typeof claimSchemas.refresh>;
export type CollectorClaims = z.infer<typeof claimSchemas.collector>;
type ClaimsByType = { access: AccessClaims; refresh: RefreshClaims; collector: CollectorClaims };

export interface SignedToken {
  token: string;
  expiresAt: Date;
  jti: string;
}

/** Verification failure, with a reason safe to send to the client. */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

/**
 * Key id of a secret: a truncated SHA-256, so the header names the key
 * without revealing it. 96 bits keep collisions between a handful of keys
 * out of reach.
 */
export function keyIdOf(secret: string): string {
  return createHash('sha256').update('pganalytics-jwt-key-id:').update(secret).digest('base64url').slice(0, 16);
}

/** The signing secret and the previous secrets that still verify. */
export interface SigningKeys {
  current: string;
  previous: readonly string[];
}

/**
 * Signs and verifies HS256 tokens with issuer, audience and type checked.
 * Tokens carry the key id (`kid`) of the secret that signed them; the current
 * secret signs, and previous secrets only verify.
 */
export class TokenSigner {
  private readonly currentKeyId: string;
  private readonly verifyingKeys: Map<string, string>;

  constructor(
    private readonly keys: SigningKeys,
    private readonly lifetimes: Record<TokenType, number>,
  ) {
    this.currentKeyId = keyIdOf(keys.current);
    this.verifyingKeys = new Map([keys.current, ...keys.previous].map((secret) => [keyIdOf(secret), secret]));
  }

  sign(type: 'access', subject: string, extra: { role: AccessClaims['role']; ver: number; sid: string }): SignedToken;
  sign(type: 'refresh', subject: string, extra: { fam: string }): SignedToken;
  sign(type: 'collector', subject: string, extra: { ver: number }): SignedToken;
  sign(type: TokenType, subject: string, extra: Record<string, string | number>): SignedToken {
    const jti = randomUUID();
    const lifetime = this.lifetimes[type];
    const token = jwt.sign({ ...extra, typ: type }, this.keys.current, {
      algorithm: 'HS256',
      keyid: this.currentKeyId,
      expiresIn: lifetime,
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      subject,
      jwtid: jti,
    });
    const claims = jwt.decode(token) as { exp: number };
    return { token, expiresAt: new Date(claims.exp * 1000), jti };
  }

  /** Verifies a token of the expected type, or throws TokenRejectedError. */
  verify<T extends TokenType>(token: string, expected: T): ClaimsByType[T] {
    const claims = this.verifySignature(token);
    const parsed = claimSchemas[expected].safeParse(claims);
    if (!parsed.success) {
      const actual = typeof claims === 'object' && claims !== null ? (claims as { typ?: unknown }).typ : undefined;
      const reason =
        typeof actual === 'string' && actual !== expected
          ? `a ${actual} token cannot be used here; expected a ${expected} token`
          : 'token claims are invalid';
      throw new TokenRejectedError(reason);
    }
    return parsed.data as ClaimsByType[T];
  }

  /** Returns the type claim of a verified token, so callers can route it. */
  typeOf(token: string): TokenType {
    const claims = this.verifySignature(token);
    const typ = typeof claims === 'object' && claims !== null ? (claims as { typ?: unknown }).typ : undefined;
    if (typ !== 'access' && typ !== 'refresh' && typ !== 'collector') {
      throw new TokenRejectedError('token claims are invalid');
    }
    return typ;
  }

  /**
   * Picks the secret named by the `kid` header. Tokens signed before key ids
   * existed have none and are tried against every accepted secret.
   */
  private candidateSecrets(token: string): string[] {
    const decoded = jwt.decode(token, { complete: true });
    const keyId = decoded?.header.kid;
    if (keyId === undefined) {
      return [...this.verifyingKeys.values()];
    }
    const secret = this.verifyingKeys.get(keyId);
    if (secret === undefined) {
      throw new TokenRejectedError('token was signed with a key that is no longer accepted');
    }
    return [secret];
  }

  private verifySignature(token: string): unknown {
    let lastError: unknown;
    for (const secret of this.candidateSecrets(token)) {
      try {
        return jwt.verify(token, secret, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
      } catch (error) {
        lastError = error;
      }
    }
    if (lastError instanceof jwt.TokenExpiredError) {
      throw new TokenRejectedError('token has expired');
    }
    throw new TokenRejectedError('token is invalid');
  }
}
