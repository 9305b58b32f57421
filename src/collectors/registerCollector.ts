import { createHash, timingSafeEqual } from 'node:crypto';
import type { GraphQLContext } from '../context.js';
import type { Services } from '../services.js';
import type { Config } from '../config.js';
import { BadUserInputError, ConflictError, UnauthenticatedError } from '../errors.js';
import { isUniqueViolation } from '../db/prismaErrors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';

/** RFC 1123 host name, also allowing "_" as many internal names do. */
const HOSTNAME = /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;
const MAX_DESCRIPTION_LENGTH = 1000;

export interface CollectorRegistration {
  collectorId: string;
  token: string;
  expiresAt: Date;
}

/** Compares in constant time; hashing first makes unequal lengths safe to compare. */
function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function fingerprintTaken(services: Services, certificateFingerprint: string): Promise<boolean> {
  const owner = await services.prisma.collector.findUnique({ where: { certificateFingerprint }, select: { id: true } });
  return owner !== null;
}

/**
 * Checks a presented registration secret against REGISTRATION_SECRET and,
 * until REGISTRATION_SECRET_PREVIOUS_UNTIL, REGISTRATION_SECRET_PREVIOUS.
 * Both comparisons always run, so the time taken does not tell which matched.
 */
export function registrationSecretAccepted(config: Config, presented: string, now: Date): boolean {
  const current = secretsEqual(presented, config.registrationSecret);
  const previousValid =
    config.registrationSecretPrevious !== undefined &&
    config.registrationSecretPreviousUntil !== undefined &&
    now < config.registrationSecretPreviousUntil;
  const previous = secretsEqual(presented, config.registrationSecretPrevious ?? config.registrationSecret);
  return current || (previousValid && previous);
}

function checkInput(input: { hostname: string; description?: string | null }): { hostname: string; description: string | null } {
  if (!HOSTNAME.test(input.hostname)) {
    throw new BadUserInputError('hostname must be a valid host name of 1 to 255 characters', 'input.hostname');
  }
  const description = input.description ?? null;
  if (description !== null && (description.length > MAX_DESCRIPTION_LENGTH || description.includes('\u0000'))) {
    throw new BadUserInputError(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters without NUL`, 'input.description');
  }
  // Host names are case-insensitive, so "DB1" and "db1" are one collector.
  return { hostname: input.hostname.toLowerCase().replace(/\.$/, ''), description };
}

async function rejectRegistration(context: GraphQLContext, reason: string, hostname?: string): Promise<void> {
  const { services } = context;
  await recordAuditEvent(
    services.prisma,
    auditOriginOf(context),
    { action: 'COLLECTOR_REGISTRATION_FAILED', target: { type: 'collector', name: hostname }, details: { reason } },
    services.now(),
  );
  context.logger.warn({ event: 'register_collector', outcome: 'failure', hostname, reason }, 'collector registration rejected');
}

/**
 * Registers a collector if the registration secret matches, and returns its
 * token. With mutual TLS on, `certificateFingerprint` is the verified client
 * certificate's, which later requests of this collector must present.
 */
export async function registerCollector(
  context: GraphQLContext,
  input: { hostname: string; description?: string | null },
  certificateFingerprint: string | null = null,
): Promise<CollectorRegistration> {
  const { services, registrationSecret: presentedSecret } = context;
  if (presentedSecret === undefined) {
    await rejectRegistration(context, 'missing secret');
    throw new UnauthenticatedError('Missing X-Registration-Secret header');
  }
  if (!registrationSecretAccepted(services.config, presentedSecret, services.now())) {
    await rejectRegistration(context, 'wrong secret');
    throw new UnauthenticatedError('Invalid registration secret');
  }
  const checked = checkInput(input);

  let collector;
  try {
    collector = await services.prisma.collector.create({ data: { ...checked, certificateFingerprint } });
  } catch (error) {
    if (isUniqueViolation(error) && certificateFingerprint !== null && (await fingerprintTaken(services, certificateFingerprint))) {
      await rejectRegistration(context, 'certificate taken', checked.hostname);
      throw new ConflictError('This client certificate is already bound to another collector. Each collector needs its own certificate');
    }
    if (isUniqueViolation(error)) {
      await rejectRegistration(context, 'hostname taken', checked.hostname);
      throw new ConflictError(`A collector with hostname "${checked.hostname}" is already registered; an admin can delete it with deleteCollector`);
    }
    throw error;
  }

  const signed = services.tokens.sign('collector', collector.id, { ver: collector.tokenVersion });
  const target = { type: 'collector' as const, id: collector.id, name: checked.hostname };
  await recordAuditEvent(services.prisma, auditOriginOf(context), { action: 'COLLECTOR_REGISTERED', target }, services.now());
  context.logger.info(
    { event: 'register_collector', outcome: 'success', collectorId: collector.id, hostname: checked.hostname, certificateFingerprint },
    'collector registered',
  );
  return { collectorId: collector.id, token: signed.token, expiresAt: signed.expiresAt };
}
