// Time-series charts, drawn by uPlot (vendored, see vendor/uplot-1.6.32/README.md).

import uPlot from './vendor/uplot-1.6.32/uPlot.esm.js';

const COLOURS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea'];
const HEIGHT = 220;

/**
 * A line chart that follows its box's width.
 * @param {HTMLElement} box
 * @param {string} unit the y axis' label
 * @param {string[]} names one per series
 * @returns {{update(times: number[], series: (number|null)[][]): void, destroy(): void}}
 *   times in seconds since the epoch
 */
export function lineChart(box, unit, names) {
  const options = {
    width: Math.max(240, box.clientWidth),
    height: HEIGHT,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [{}, { label: unit, size: 60 }],
    series: [
      {},
      ...names.map((name, i) => ({ label: name, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false })),
    ],
  };
  const plot = new uPlot(options, [[], ...names.map(() => [])], box);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, box.clientWidth), height: HEIGHT }));
  resize.observe(box);
  return {
    update(times, series) {
      plot.setData([times, ...series]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
