import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
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

const claimSchemas = {
  access: z.object({ ...baseClaims, typ: z.literal('access'), role: z.enum(['ADMIN', 'USER', 'VIEWER']) }),
  refresh: z.object({ ...baseClaims, typ: z.literal('refresh'), fam: z.uuid() }),
  collector: z.object({ ...baseClaims, typ: z.literal('collector') }),
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

/** Signs and verifies HS256 tokens with issuer, audience and type checked. */
export class TokenSigner {
  constructor(
    private readonly secret: string,
    private readonly lifetimes: Record<TokenType, number>,
  ) {}

  sign(type: 'access', subject: string, extra: { role: AccessClaims['role'] }): SignedToken;
  sign(type: 'refresh', subject: string, extra: { fam: string }): SignedToken;
  sign(type: 'collector', subject: string): SignedToken;
  sign(type: TokenType, subject: string, extra: Record<string, string> = {}): SignedToken {
    const jti = randomUUID();
    const lifetime = this.lifetimes[type];
    const token = jwt.sign({ ...extra, typ: type }, this.secret, {
      algorithm: 'HS256',
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

  private verifySignature(token: string): unknown {
    try {
      return jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        throw new TokenRejectedError('token has expired');
      }
      throw new TokenRejectedError('token is invalid');
    }
  }
}
