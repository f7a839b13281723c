import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

/** How a chart is made: echarts.init, or a wrapper around it (tests count what is disposed). */
export type ChartFactory = (width: number, height: number) => Pick<echarts.ECharts, 'setOption' | 'renderToSVGString' | 'dispose'>;

export const ssrChart: ChartFactory = (width, height) => echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });

/**
 * An option drawn to SVG text by ECharts' server-side renderer: no DOM, no canvas. The chart
 * is disposed whatever happens: an undisposed one keeps timers and the process alive.
 */
export function renderSvg(option: EChartsOption, width: number, height: number, makeChart: ChartFactory = ssrChart): string {
  const chart = makeChart(width, height);
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
