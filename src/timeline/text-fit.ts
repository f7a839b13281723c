/*
 * Long names (a profile id with an e-mail address in it, a 63-character node name) are cut
 * to their column with an ellipsis rather than running into the bars. Widths are estimated
 * from DejaVu Sans's average advance (it is a wide face); close enough for a column edge.
 */

const AVERAGE_ADVANCE = { normal: 0.6, bold: 0.68 } as const;

export function textWidth(text: string, fontSize: number, bold = false): number {
  return [...text].length * fontSize * AVERAGE_ADVANCE[bold ? 'bold' : 'normal'];
}

export function fitText(text: string, maxWidth: number, fontSize: number, bold = false): string {
  const chars = [...text];
  const fits = Math.max(1, Math.floor(maxWidth / (fontSize * AVERAGE_ADVANCE[bold ? 'bold' : 'normal'])));
  return chars.length <= fits ? text : `${chars.slice(0, fits - 1).join('')}…`;
}
