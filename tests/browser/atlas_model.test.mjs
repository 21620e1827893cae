// The atlas map's model (web/atlas/model.js) without a browser: what the filters and the time slider
// leave on the map. Runs in node; the map itself is tested in atlas.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildGraph, facets, kDay, visibleSets } from '../../web/atlas/model.js';

const day = (n) => n * kDay;

// Three members; 1-2 tied since day 100; 2-3 tied from day 50 until day 200 (ended), then again
// from day 300 (a new tie of the same kind).
const data = {
  nodes: [1, 2, 3].map((id) => ({ id, name: `Lid ${id}`, x: id / 10, y: 0, since: day(10) })),
  edges: [
    { source: 1, target: 2, kind: 'knows', weight: 1, since: day(100) },
    { source: 2, target: 3, kind: 'knows', weight: 1, since: day(300) },
  ],
  ended: [{ source: 2, target: 3, kind: 'knows', since: day(50), until: day(200) }],
};
const filters = (dayNumber) => ({ hiddenKinds: new Set(), discipline: '', region: '', group: '', day: dayNumber });
const shownPairs = (graph, dayNumber) => {
  const { edges } = visibleSets(graph, filters(dayNumber));
  return [...edges].map((edge) => `${graph.source(edge)}-${graph.target(edge)}`).sort();
};

test('today the map shows the current ties and none that ended', () => {
  assert.deepEqual(shownPairs(buildGraph(data), null), ['1-2', '2-3']);
});

test('the time slider shows a tie on the days it lasted, and not after it ended', () => {
  const graph = buildGraph(data);
  assert.deepEqual(shownPairs(graph, 60), ['2-3'], 'day 60: only the tie that later ended');
  assert.deepEqual(shownPairs(graph, 150), ['1-2', '2-3'], 'day 150: both');
  assert.deepEqual(shownPairs(graph, 250), ['1-2'], 'day 250: ended, not yet renewed');
  assert.deepEqual(shownPairs(graph, 350), ['1-2', '2-3'], 'day 350: renewed');
});

test('the slider starts at the first day an ended tie began', () => {
  assert.equal(facets(data).firstDay, 10);
  const later = { ...data, nodes: data.nodes.map((node) => ({ ...node, since: day(400) })) };
  assert.equal(facets(later).firstDay, 50);
});

test('an atlas without ended ties (older servers) still loads', () => {
  const { ended, ...old } = data;
  assert.equal(ended.length, 1);
  assert.deepEqual(shownPairs(buildGraph(old), 250), ['1-2']);
});
