import { isCritical, type ActiveAlert } from './alerts.js';

/*
 * A fleet-wide problem is one message, not one per node (as Alertmanager groups by labels):
 * a condition about one account (or none) that touches more than a few nodes goes out as
 * one message listing them, with one fix. Discord lets a bot post about five messages per
 * five seconds in a channel: a hundred per-node alerts would take minutes and bury it.
 * Pure: alerts in, groups out.
 */

/** More than this many nodes with the same condition make it fleet-wide. */
export const GROUP_ABOVE_NODES = 3;

/** The condition and account an alert is about, whatever the node. */
export function groupKeyOf(alert: Pick<ActiveAlert, 'condition' | 'profileId'>): string {
  return `${alert.condition}/${alert.profileId ?? '*'}`;
}

/** Alerts that touch more than GROUP_ABOVE_NODES nodes, by group key (pending ones do not count: they are not shown). */
export function fleetWideGroups(alertsByNode: Iterable<readonly ActiveAlert[]>, above = GROUP_ABOVE_NODES): Map<string, ActiveAlert[]> {
  const byKey = new Map<string, ActiveAlert[]>();
  for (const alerts of alertsByNode) {
    for (const alert of alerts) {
      if (alert.pending) continue;
      const key = groupKeyOf(alert);
      byKey.set(key, [...(byKey.get(key) ?? []), alert]);
    }
  }
  return new Map([...byKey].filter(([, alerts]) => new Set(alerts.map((alert) => alert.node)).size > above));
}

/**
 * A node's name where it stands whole, after `to:` or `node:` or alone: not inside a longer
 * name (pc in the owner pc-a, gpu1 in gpu10). A trailing "." ends a sentence, not a name.
 * A node name is letters, digits, ".", "_" and "-" (nodeNameSchema): "." is its only regex character.
 */
function nameIn(node: string): RegExp {
  return new RegExp(`(to:|node:)?(?<![\\w.-])${node.replaceAll('.', '\\.')}(?![\\w-]|\\.\\w)`, 'g');
}

/** `text` with the node's name, where it stands whole, replaced by what `words` says for its prefix (`to:`, `node:` or none). */
function replaceNodeName(text: string, node: string, words: (prefix: string | undefined) => string): string {
  return text.replace(nameIn(node), (_, prefix?: string) => words(prefix));
}

/** `text` with the node's name, where it stands whole, told in general words (the group message's summary). */
export function generalizeNodeName(text: string, node: string, words: string): string {
  return replaceNodeName(text, node, (prefix) => `${prefix ?? ''}${words}`);
}

/**
 * One fix for the group: each node's action with its own name made general (`to:t440` →
 * `to:all`, a lone name → "each node"); the worst node's when they differ beyond that.
 */
export function groupAction(alerts: readonly ActiveAlert[]): string {
  const general = alerts.map((alert) => replaceNodeName(alert.action, alert.node, (prefix) => (prefix === 'to:' ? 'to:all' : prefix === 'node:' ? 'node:<each>' : 'each node')));
  const first = general[0] ?? '';
  if (general.every((action) => action === first)) return first;
  // Actions that differ need two alerts at least: there is a first one to fall back on.
  return (alerts.find(isCritical) ?? alerts[0]!).action;
}
