/*
 * The time axis in UTC, whatever the bot's machine is set to: a picture posted to a channel
 * is read in many time zones, so it names one and says so. Labels are built from the ISO
 * form, not the locale, so that the PNG is the same on every machine.
 */

const HOUR = 3_600_000;
const STEPS_HOURS = [1, 2, 3, 6, 12, 24, 48, 72, 168];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The smallest whole-hour step that keeps the labels at or under `maxLabels`. */
export function tickStepMs(spanMs: number, maxLabels: number): number {
  const hours = STEPS_HOURS.find((step) => spanMs / (step * HOUR) <= maxLabels) ?? STEPS_HOURS.at(-1)!;
  return hours * HOUR;
}

/** Whole multiples of the step in UTC (`12:00`, `18:00`, …) inside the window, ends excluded. */
export function utcTicks(fromMs: number, toMs: number, stepMs: number): number[] {
  const ticks: number[] = [];
  for (let tick = Math.floor(fromMs / stepMs) * stepMs + stepMs; tick < toMs; tick += stepMs) if (tick > fromMs) ticks.push(tick);
  return ticks;
}

/** `18:00`, or at midnight `00:00` over `29 Nov`: the day shows where it changes. */
export function utcTickLabel(ms: number): string {
  const date = new Date(ms);
  const time = date.toISOString().slice(11, 16);
  return time === '00:00' ? `${time}\n${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}` : time;
}

/** `28 Nov 12:00 UTC`. */
export function utcStamp(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.toISOString().slice(11, 16)} UTC`;
}

/**
 * `45 min`, `7 h`, `9 d`: short enough to sit at the end of a bar. Not formatDuration
 * (config/duration.ts): that one is exact to two units (`1d 23h`, `2h 5m`), for settings;
 * here one rounded unit is enough, and hours run to 48 (`47 h`, not `1d 23h`).
 */
export function shortDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR) return `${Math.max(1, Math.round(abs / 60_000))} min`;
  if (abs < 48 * HOUR) return `${Math.round(abs / HOUR)} h`;
  return `${Math.round(abs / (24 * HOUR))} d`;
}

/** What a bar's end means, seen from now. */
export function expiryText(expiresAtMs: number | null, nowMs: number): string {
  if (expiresAtMs === null) return 'no expiry';
  return expiresAtMs <= nowMs ? `expired ${shortDuration(nowMs - expiresAtMs)} ago` : `in ${shortDuration(expiresAtMs - nowMs)}`;
}
