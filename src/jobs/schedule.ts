import { Cron } from 'croner';

export interface ScheduledJob {
  stop(): void;
}

/**
 * Runs `task` on a cron expression, or every `every` milliseconds (croner, whole seconds,
 * at least one), the first time one interval from now, never two runs at once: a run that overlaps the next tick makes that
 * tick skip. Errors are the task's to handle; one that escapes is reported and the
 * schedule goes on.
 */
export function scheduleEvery(every: number | string, task: () => Promise<void>, onError: (error: unknown) => void): ScheduledJob {
  const run = async () => {
    try {
      await task();
    } catch (error) {
      onError(error);
    }
  };
  // A cron expression runs on its own schedule; a duration every so often.
  if (typeof every === 'string') {
    const cron = new Cron(every, { protect: true }, run);
    return { stop: () => cron.stop() };
  }
  const seconds = Math.max(1, Math.round(every / 1000));
  const job = new Cron('* * * * * *', { interval: seconds, startAt: new Date(Date.now() + seconds * 1000), protect: true }, async () => {
    try {
      await task();
    } catch (error) {
      onError(error);
    }
  });
  return { stop: () => job.stop() };
}
