import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import { checkNotReporting } from '../alerts/checkNotReporting.js';
import { deliverDueNotifications } from '../notifications/deliverDueNotifications.js';
import { LOGIN_THROTTLE_PRUNE_SECONDS, pruneLoginThrottles } from '../auth/pruneLoginThrottles.js';
import { PeriodicJob } from './PeriodicJob.js';

/**
 * Starts the not-reporting check, the notification delivery worker and the
 * login throttle cleanup. Returns a function that stops them all.
 */
export function startBackgroundJobs(services: Services, logger: FastifyBaseLogger): () => Promise<void> {
  const { config, prisma } = services;
  const jobs = [
    new PeriodicJob(
      'not_reporting_check',
      config.alerting.notReportingCheckSeconds * 1000,
      () => checkNotReporting(prisma, services.now(), config.alerting.notReportingMissedIntervals),
      logger,
    ),
    new PeriodicJob(
      'notification_delivery',
      config.alerting.notificationPollSeconds * 1000,
      () => deliverDueNotifications(prisma, {
        now: services.now,
        logger,
        maxAttempts: config.alerting.notificationMaxAttempts,
        retryBaseMs: config.alerting.notificationRetryBaseSeconds * 1000,
      }),
      logger,
    ),
    new PeriodicJob(
      'login_throttle_cleanup',
      LOGIN_THROTTLE_PRUNE_SECONDS * 1000,
      async () => {
        const deleted = await pruneLoginThrottles(prisma, services.now(), config.loginThrottle.lockoutWindow);
        if (deleted > 0) {
          logger.info({ job: 'login_throttle_cleanup', deleted }, 'login throttle rows deleted');
        }
      },
      logger,
    ),
  ];

  for (const job of jobs) {
    job.start();
  }
  return async () => {
    await Promise.all(jobs.map((job) => job.stop()));
  };
}
