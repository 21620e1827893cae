// The atlas map's state without the DOM: the graph built from the server's atlas JSON, which nodes
// and edges the filters leave visible, colours, sizes, neighbourhoods, paths and the cluster bubbles
// shown above kMaxVisibleMembers. Pure functions over graphology graphs, so they run in node too.
import Graph from 'graphology';

export const kMaxVisibleMembers = 10000;
export const kDay = 86400;

// Twelve colours that stay apart for common colour blindness (Okabe-Ito plus Tol's muted set).
export const kPalette = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#332288',
  '#117733', '#882255', '#999933', '#44aa99', '#aa4499'];
export const kFadedColor = '#e3e6ea';
export const kPathColor = '#d62728';
const kUnknownColor = '#9aa3ad';

// The server's JSON -> a graphology multigraph (one edge per tie kind between a pair); members only
// when `withEdges` is false (the first frame of a large network).
export function buildGraph(data, { withEdges = true } = {}) {
  const graph = new Graph({ multi: true, type: 'undirected', allowSelfLoops: false });
  for (const node of data.nodes) {
    graph.addNode(String(node.id), {
      x: node.x, y: node.y, label: node.name, size: 4, color: kUnknownColor,
      member: node,
    });
  }
  if (!withEdges) return graph;
  for (const edge of data.edges) {
    const source = String(edge.source);
    const target = String(edge.target);
    if (!graph.hasNode(source) || !graph.hasNode(target) || source === target) continue;
    graph.addEdgeWithKey(`${source}-${target}-${edge.kind}`, source, target, {
      kind: edge.kind, since: edge.since ?? 0, weight: edge.weight ?? 1, size: 1, color: '#c5ccd3',
    });
  }
  // Ties that ended: only shown on the days they lasted (edgePasses).
  for (const edge of data.ended ?? []) {
    const source = String(edge.source);
    const target = String(edge.target);
    if (!graph.hasNode(source) || !graph.hasNode(target) || source === target) continue;
    const key = `${source}-${target}-${edge.kind}-until-${edge.until}`;
    if (graph.hasEdge(key)) continue;
    graph.addEdgeWithKey(key, source, target, {
      kind: edge.kind, since: edge.since ?? 0, until: edge.until, weight: 1, size: 1, color: '#c5ccd3',
    });
  }
  return graph;
}

// The options the filter menus offer, from the data: disciplines, regions, groups, tie kinds, and
// the date range of the time slider (in days since the epoch).
export function facets(data) {
  const disciplines = new Set();
  const regions = new Set();
  const groups = new Set();
  const kinds = new Set();
  let first = Infinity;
  let last = -Infinity;
  for (const node of data.nodes) {
    (node.disciplines ?? []).forEach((code) => disciplines.add(code));
    if (node.region) regions.add(node.region);
    (node.groups ?? []).forEach((id) => groups.add(id));
    if (node.since) { first = Math.min(first, node.since); last = Math.max(last, node.since); }
  }
  for (const edge of [...data.edges, ...(data.ended ?? [])]) {
    kinds.add(edge.kind);
    if (edge.since) { first = Math.min(first, edge.since); last = Math.max(last, edge.since); }
  }
  const now = data.snapshot?.computed_at ?? Math.floor(Date.now() / 1000);
  last = Math.max(last === -Infinity ? now : last, now);
  if (first === Infinity) first = last;
  return {
    disciplines: [...disciplines].sort(),
    regions: [...regions].sort((a, b) => a.localeCompare(b)),
    groups: [...groups].sort((a, b) => a - b),
    kinds: [...kinds].sort(),
    firstDay: Math.floor(first / kDay),
    lastDay: Math.ceil(last / kDay),
  };
}

// Filters: { kinds: Set of hidden kinds, discipline, region, group ('' = all), day (null = today) }.
export function nodePasses(member, filters) {
  if (filters.discipline && !(member.disciplines ?? []).includes(filters.discipline)) return false;
  if (filters.region && member.region !== filters.region) return false;
  if (filters.group && !(member.groups ?? []).includes(Number(filters.group))) return false;
  if (filters.day !== null && member.since && member.since > (filters.day + 1) * kDay) return false;
  return true;
}

export function edgePasses(attributes, filters) {
  if (filters.hiddenKinds.has(attributes.kind)) return false;
  if (filters.day !== null && attributes.since && attributes.since > (filters.day + 1) * kDay) return false;
  // An ended tie existed until `until`: not today, and on an earlier day only if it had not ended yet.
  if (attributes.until && (filters.day === null || attributes.until <= filters.day * kDay)) return false;
  return true;
}

// The nodes and edges the filters leave visible.
export function visibleSets(graph, filters) {
  const nodes = new Set();
  graph.forEachNode((node, attributes) => {
    if (nodePasses(attributes.member, filters)) nodes.add(node);
  });
  const edges = new Set();
  graph.forEachEdge((edge, attributes, source, target) => {
    if (nodes.has(source) && nodes.has(target) && edgePasses(attributes, filters)) edges.add(edge);
  });
  return { nodes, edges };
}

// Members within `depth` steps of `start` over visible edges (start included).
export function neighbourhood(graph, visible, start, depth) {
  const seen = new Set([start]);
  let frontier = [start];
  for (let step = 0; step < depth && frontier.length > 0; step++) {
    const next = [];
    for (const node of frontier) {
      graph.forEachEdge(node, (edge, attributes, source, target) => {
        if (!visible.edges.has(edge)) return;
        const other = source === node ? target : source;
        if (!seen.has(other)) { seen.add(other); next.push(other); }
      });
    }
    frontier = next;
  }
  return seen;
}

// Ties members declared and the other confirmed; shared groups and events are derived by the system.
export const kDeclaredKinds = new Set(['knows', 'worked_together', 'referred', 'backup']);

// The shortest chain of visible confirmed (declared) ties from `from` to `to` as node keys, or null.
export function shortestPath(graph, visible, from, to) {
  if (!visible.nodes.has(from) || !visible.nodes.has(to)) return null;
  if (from === to) return [from];
  const previous = new Map([[from, null]]);
  let frontier = [from];
  while (frontier.length > 0) {
    const next = [];
    for (const node of frontier) {
      let found = false;
      graph.forEachEdge(node, (edge, attributes, source, target) => {
        if (found || !visible.edges.has(edge) || !kDeclaredKinds.has(attributes.kind)) return;
        const other = source === node ? target : source;
        if (previous.has(other)) return;
        previous.set(other, node);
        if (other === to) found = true;
        next.push(other);
      });
      if (found) {
        const path = [to];
        for (let step = previous.get(to); step !== null; step = previous.get(step)) path.push(step);
        return path.reverse();
      }
    }
    frontier = next;
  }
  return null;
}

// The declared, visible ties along a path.
export function pathEdges(graph, visible, path) {
  const edges = new Set();
  for (let i = 0; i + 1 < path.length; i++) {
    graph.forEachEdge(path[i], path[i + 1], (edge, attributes) => {
      if (visible.edges.has(edge) && kDeclaredKinds.has(attributes.kind)) edges.add(edge);
    });
  }
  return edges;
}

// Colour of each node for a colour mode: 'cluster', 'discipline', 'group' or 'region'. Returns the
// colour map and the legend [{value, color}] (the first value of a member decides its colour).
export function colours(graph, mode) {
  const valueOf = (member) => {
    switch (mode) {
      case 'discipline': return member.disciplines?.[0] ?? null;
      case 'group': return member.groups?.[0] ?? null;
      case 'region': return member.region || null;
      default: return member.cluster ?? null;
    }
  };
  const counts = new Map();
  graph.forEachNode((node, attributes) => {
    const value = valueOf(attributes.member);
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  });
  // The most common values get their own colour; the rest share grey.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  const colourOf = new Map(ranked.slice(0, kPalette.length).map(([value], index) => [value, kPalette[index]]));
  // Clusters beyond the first twelve reuse the palette (neighbouring clusters rarely share a colour);
  // other values beyond it are grey, so the legend stays true.
  const fallback = (value) => (mode === 'cluster' && typeof value === 'number' ? kPalette[Math.abs(value) % kPalette.length] : kUnknownColor);
  const byNode = new Map();
  graph.forEachNode((node, attributes) => {
    const value = valueOf(attributes.member);
    byNode.set(node, colourOf.get(value) ?? (value === null ? kUnknownColor : fallback(value)));
  });
  const legend = [...colourOf.entries()].map(([value, color]) => ({ value, color }));
  return { byNode, legend };
}

// Node sizes for 'pagerank', 'betweenness' or 'degree' (over visible edges): 3..15 pixels by the
// square root of the share of the largest value, so hubs stand out without hiding the rest.
export function sizes(graph, mode, visible) {
  const raw = new Map();
  let max = 0;
  graph.forEachNode((node, attributes) => {
    let value;
    if (mode === 'degree') {
      value = 0;
      graph.forEachEdge(node, (edge) => { if (visible.edges.has(edge)) value += 1; });
    } else {
      value = Number(attributes.member[mode] ?? 0);
    }
    raw.set(node, value);
    max = Math.max(max, value);
  });
  const byNode = new Map();
  for (const [node, value] of raw) byNode.set(node, 3 + (max > 0 ? 12 * Math.sqrt(value / max) : 0));
  return byNode;
}

// One bubble per cluster (at the centre of its visible members, sized by their number) and one edge
// per pair of clusters with visible ties between them: what the map shows above kMaxVisibleMembers.
export function clusterGraph(graph, visible, clusterNames, colourByNode) {
  const bubbles = new Map();
  for (const node of visible.nodes) {
    const attributes = graph.getNodeAttributes(node);
    const cluster = attributes.member.cluster ?? -1;
    let bubble = bubbles.get(cluster);
    if (!bubble) {
      bubble = { x: 0, y: 0, count: 0, color: colourByNode.get(node) };
      bubbles.set(cluster, bubble);
    }
    bubble.x += attributes.x;
    bubble.y += attributes.y;
    bubble.count += 1;
  }
  const result = new Graph({ type: 'undirected' });
  let largest = 1;
  for (const bubble of bubbles.values()) largest = Math.max(largest, bubble.count);
  // Many clusters get smaller bubbles, so they do not cover each other.
  const scale = Math.min(1, 6 / Math.sqrt(Math.max(1, bubbles.size)));
  for (const [cluster, bubble] of bubbles) {
    const name = clusterNames.get(cluster) ?? `#${cluster}`;
    result.addNode(`c${cluster}`, {
      x: bubble.x / bubble.count, y: bubble.y / bubble.count, cluster, count: bubble.count,
      size: (4 + 26 * Math.sqrt(bubble.count / largest)) * scale + 2, color: bubble.color,
      label: `${name} (${bubble.count})`,
    });
  }
  const weights = new Map();
  for (const edge of visible.edges) {
    const a = graph.getNodeAttribute(graph.source(edge), 'member').cluster ?? -1;
    const b = graph.getNodeAttribute(graph.target(edge), 'member').cluster ?? -1;
    if (a === b) continue;
    const key = a < b ? `c${a}|c${b}` : `c${b}|c${a}`;
    weights.set(key, (weights.get(key) ?? 0) + 1);
  }
  let heaviest = 1;
  for (const weight of weights.values()) heaviest = Math.max(heaviest, weight);
  for (const [key, weight] of weights) {
    const [a, b] = key.split('|');
    result.addEdge(a, b, { size: 1 + 5 * (weight / heaviest), color: '#b8c0c8', weight });
  }
  return result;
}

// Members whose name contains every word of `query` (accents and case ignored), best first.
export function searchMembers(graph, query, limit = 20) {
  const fold = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits = [];
  graph.forEachNode((node, attributes) => {
    const name = fold(attributes.label ?? '');
    if (words.every((word) => name.includes(word))) {
      hits.push({ node, name: attributes.label, starts: name.startsWith(words[0]) ? 0 : 1 });
    }
  });
  hits.sort((a, b) => a.starts - b.starts || a.name.localeCompare(b.name));
  return hits.slice(0, limit);
}
