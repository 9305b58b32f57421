import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs an async tick every `intervalMs` until stopped. A tick never overlaps
 * the previous one: a slow tick delays the next instead. A tick that throws
 * is logged and the job keeps running.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
    private readonly logger: FastifyBaseLogger,
  ) {}

  start(): void {
    this.logger.info({ job: this.name, intervalMs: this.intervalMs }, 'background job started');
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    // The job alone must not keep the process alive.
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.tick();
    } catch (error) {
      this.logger.error({ job: this.name, err: error }, 'background job failed');
    }
  }

  /** Stops scheduling and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.logger.info({ job: this.name }, 'background job stopped');
  }
}
