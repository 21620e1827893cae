// The funnel chart on the campaign pages: bars for contacted -> responded -> registered -> attended ->
// member, drawn with uPlot from the JSON the server put next to the table (the table stays the
// accessible, no-JavaScript view; the chart is aria-hidden). No inline script: the CSP forbids it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

function draw() {
  const holder = document.getElementById('funnel-chart');
  const source = document.getElementById('funnel-data');
  if (!holder || !source) return;
  const data = JSON.parse(source.textContent);
  const labels = data.labels;
  const xs = labels.map((_, i) => i);
  const width = Math.min(holder.clientWidth || 640, 720);
  const options = {
    width,
    height: 260,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { values: (u, splits) => splits.map((v) => (Number.isInteger(v) && labels[v] !== undefined ? labels[v] : '')), splits: () => xs, size: 40 },
      { size: 56 },
    ],
    series: [
      {},
      { label: 'count', fill: 'rgba(14, 74, 90, 0.75)', stroke: '#0e4a5a', paths: uPlot.paths.bars({ size: [0.6, 120] }), points: { show: false } },
    ],
  };
  new uPlot(options, [xs, data.counts], holder);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', draw);
} else {
  draw();
}
