/*
 * Colours of the picture beyond the health colours (HEALTH_COLOURS): Discord's dark theme,
 * so that the image sits in the channel as if it belonged there, and light text on it.
 */
export const PALETTE = {
  /** Discord's dark-theme message background. */
  background: '#313338',
  text: '#f2f3f5',
  muted: '#b5bac1',
  gridLine: '#45474f',
  groupRule: '#5c5f66',
  /** Solid and brighter than anything else, so "now" is found first. */
  now: '#ffffff',
  /** Text drawn over a bar (a bar that runs off the right edge). */
  onBar: '#1e1f22',
  /** Renewal's pink is no health's hue: it sits on a bar of any colour. */
  marker: { sync: '#3498db', refresh: '#1abc9c', restart: '#e67e22', renewal: '#ff6fb5' },
  markerOutline: '#1e1f22',
} as const;
