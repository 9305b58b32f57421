import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import { checkNotReporting } from '../alerts/checkNotReporting.js';
import { deliverDueNotifications } from '../notifications/deliverDueNotifications.js';
import { PeriodicJob } from './PeriodicJob.js';

/** Starts the not-reporting check and the notification delivery worker. Returns a function that stops both. */
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
  ];

  for (const job of jobs) {
    job.start();
  }
  return async () => {
    await Promise.all(jobs.map((job) => job.stop()));
  };
}
