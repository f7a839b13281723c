import { criticalFirst, type ActiveAlert, type AlertSeverity, type NotifyDecision } from './alerts.js';

/*
 * Which alert messages of one check carry an expiry timeline. Each picture takes a worker
 * a few hundred milliseconds; a burst of alerts past these goes out as text, so the check
 * (and the channel) is not held up drawing pictures nobody will look at one by one.
 */

/** At most this many pictures per check. */
export const PICTURES_PER_CHECK = 6;

/** Alerts about when tokens die: the ones a timeline picture helps decide on. */
export function isExpiryAlert(alert: Pick<ActiveAlert, 'condition'>): boolean {
  return alert.condition === 'token_expiring' || alert.condition === 'token_expired';
}

export interface PictureCandidate {
  node: string;
  decision: NotifyDecision;
  shown: readonly Pick<ActiveAlert, 'condition'>[];
  severity: AlertSeverity | null;
}

/**
 * The nodes whose message gets a picture this check: a message posted or edited that shows
 * an expiry alert; the critical ones first (they are acted on first), then in the check's
 * order; at most `limit`.
 */
export function nodesToPicture(candidates: readonly PictureCandidate[], limit = PICTURES_PER_CHECK): string[] {
  const drawn = candidates.filter(({ decision, shown }) => (decision.kind === 'post' || decision.kind === 'edit') && shown.some(isExpiryAlert));
  return criticalFirst(drawn, ({ severity }) => severity === 'critical')
    .slice(0, limit)
    .map(({ node }) => node);
}
