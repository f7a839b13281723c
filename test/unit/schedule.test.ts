import { expect, test } from 'vitest';
import { scheduleSchema } from '../../src/config/schedule.js';
import { scheduleEvery } from '../../src/jobs/schedule.js';

test('a schedule is a duration or a cron expression, and nothing else', () => {
  expect(scheduleSchema.parse('5m')).toBe(300_000);
  expect(scheduleSchema.parse('*/5 * * * *')).toBe('*/5 * * * *');
  expect(scheduleSchema.parse('0 */10 * * * *')).toBe('0 */10 * * * *');
  expect(scheduleSchema.safeParse('every five minutes').success).toBe(false);
  expect(scheduleSchema.safeParse('99 * * * *').success).toBe(false);
  expect(scheduleSchema.safeParse('300').success).toBe(false);
});

test('a cron schedule and a duration schedule both run their task, never two at once', async () => {
  let cronRuns = 0;
  let intervalRuns = 0;
  let overlapping = 0;
  let inFlight = 0;
  const cron = scheduleEvery('* * * * * *', async () => {
    cronRuns++;
  }, () => undefined);
  const interval = scheduleEvery(1000, async () => {
    inFlight++;
    if (inFlight > 1) overlapping++;
    intervalRuns++;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    inFlight--;
  }, () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 3300));
  cron.stop();
  interval.stop();
  expect(cronRuns).toBeGreaterThanOrEqual(2);
  expect(intervalRuns).toBeGreaterThanOrEqual(1);
  expect(overlapping).toBe(0);
});
