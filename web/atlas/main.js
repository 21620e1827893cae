// The atlas map page (/atlas): fetches the atlas JSON of the member's network and draws it with
// sigma.js (WebGL). The page's controls are server-rendered; this script wires them. Its texts and
// settings come from the container's data-config attribute (no inline script: the CSP forbids it).
import Sigma from 'sigma';
import { EdgeLineProgram } from 'sigma/rendering';
import {
  buildGraph, clusterGraph, colours, facets, kDay, kFadedColor, kMaxVisibleMembers, kPathColor, neighbourhood,
  pathEdges, searchMembers, shortestPath, sizes, visibleSets,
} from './model.js';
import { download, pngBlob, svgText } from './export.js';

const root = document.getElementById('atlas');
const config = JSON.parse(root.dataset.config);
const strings = config.strings;
const $ = (id) => document.getElementById(id);
const status = $('atlas-status');

// A catalog text with {name} placeholders filled in.
function t(key, values = {}) {
  return (strings[key] ?? key).replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

function webglAvailable() {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') || canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

function formatDay(day) {
  return new Date(day * kDay * 1000).toLocaleDateString(config.language, { year: 'numeric', month: 'short', day: 'numeric' });
}

function fillSelect(select, options) {
  for (const { value, label } of options) {
    const option = document.createElement('option');
    option.value = String(value);
    option.textContent = label;
    select.append(option);
  }
}

// The state the controls change; everything drawn follows from it.
const state = {
  graph: null,
  data: null,
  filters: { hiddenKinds: new Set(), discipline: '', region: '', group: '', day: null },
  visible: null,
  colourMode: 'cluster',
  colourByNode: new Map(),
  sizeMode: 'pagerank',
  sizeByNode: new Map(),
  focus: null,       // node key
  depth: 0,          // 0: no neighbourhood focus
  focusSet: null,    // nodes within `depth` of focus
  path: null,        // { nodes: Set, edges: Set }
  openCluster: null, // the cluster opened from the bubbles (when too many members are visible)
  clusterMode: false,
  selected: null,
  renderer: null,
  plain: true,      // nothing filtered or highlighted: the reducers pass attributes through
};

function clusterName(id) {
  const cluster = state.data.clusters?.find((entry) => entry.id === id);
  return cluster?.name || t('cluster_unnamed', { id });
}

function legendLabel(value) {
  switch (state.colourMode) {
    case 'discipline': return config.disciplines[value] ?? value;
    case 'group': return config.groups[value] ?? t('group_unnamed', { id: value });
    case 'region': return value;
    default: return clusterName(value);
  }
}

function renderLegend(legend) {
  const list = $('atlas-legend');
  list.replaceChildren();
  for (const { value, color } of legend) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'atlas-swatch';
    swatch.dataset.color = color;
    const dot = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    dot.setAttribute('width', '12');
    dot.setAttribute('height', '12');
    dot.setAttribute('aria-hidden', 'true');
    const circle = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    circle.setAttribute('cx', '6');
    circle.setAttribute('cy', '6');
    circle.setAttribute('r', '6');
    circle.setAttribute('fill', color);
    dot.append(circle);
    item.append(dot, ' ', legendLabel(value));
    list.append(item);
  }
}

// Recomputes what the filters leave visible and everything that depends on it (colours and sizes are
// written into the graph's attributes, so the reducers have nothing to do in the plain view).
function compute() {
  const { graph } = state;
  state.visible = visibleSets(graph, state.filters);
  const coloured = colours(graph, state.colourMode);
  state.colourByNode = coloured.byNode;
  renderLegend(coloured.legend);
  state.sizeByNode = sizes(graph, state.sizeMode, state.visible);
  graph.updateEachNodeAttributes((node, attributes) => {
    attributes.color = state.colourByNode.get(node);
    attributes.size = state.sizeByNode.get(node);
    return attributes;
  }, { attributes: ['color', 'size'] });
  if (state.focus && !state.visible.nodes.has(state.focus)) state.focus = null;
  state.focusSet = state.focus && state.depth > 0 ? neighbourhood(graph, state.visible, state.focus, state.depth) : null;
  if (state.path && [...state.path.nodes].some((node) => !state.visible.nodes.has(node))) state.path = null;
  state.clusterMode = state.openCluster === null && state.visible.nodes.size > kMaxVisibleMembers;
  // Nothing filtered, focused or highlighted: every member and tie drawn as the graph holds them.
  state.plain = state.visible.nodes.size === graph.order && state.visible.edges.size === graph.size &&
    state.openCluster === null && !state.focusSet && !state.path && !state.selected && !state.focus;
}

// The graph sigma draws now: the members, or one bubble per cluster when too many are visible.
function shownGraph() {
  if (!state.clusterMode) return state.graph;
  const names = new Map((state.data.clusters ?? []).map((cluster) => [cluster.id, clusterName(cluster.id)]));
  return clusterGraph(state.graph, state.visible, names, state.colourByNode);
}

function updateStatus() {
  $('atlas-clusters-back').hidden = state.openCluster === null;
  if (state.clusterMode) {
    status.textContent = t('status_clusters', { members: state.visible.nodes.size, clusters: state.renderer.getGraph().order });
    return;
  }
  let shown = state.visible.nodes.size;
  if (state.openCluster !== null) shown = [...state.visible.nodes].filter(nodeShown).length;
  status.textContent = t('status_members', { members: shown, ties: countShownEdges() });
}

// After a change of filters, colours, sizes, focus or the opened cluster: recompute and redraw.
function update() {
  compute();
  const graph = shownGraph();
  if (graph !== state.renderer.getGraph()) state.renderer.setGraph(graph);
  else state.renderer.refresh();
  updateStatus();
}

function countShownEdges() {
  if (state.openCluster === null) return state.visible.edges.size;
  let count = 0;
  for (const edge of state.visible.edges) {
    if (nodeShown(state.graph.source(edge)) && nodeShown(state.graph.target(edge))) count += 1;
  }
  return count;
}

function nodeShown(node) {
  if (!state.visible.nodes.has(node)) return false;
  if (state.path?.nodes.has(node)) return true;  // a path leaves an opened cluster when it must
  return state.openCluster === null || state.graph.getNodeAttribute(node, 'member').cluster === state.openCluster;
}

// What sigma draws of each member: hidden when filtered out, faded outside a focus or path.
function nodeReducer(node, attributes) {
  if (state.clusterMode || state.plain) return attributes;  // bubbles carry their own attributes
  if (!nodeShown(node)) return { ...attributes, hidden: true };
  const result = { ...attributes };
  const emphasis = state.path?.nodes ?? state.focusSet;
  if (emphasis && !emphasis.has(node)) {
    result.color = kFadedColor;
    result.label = '';
    result.zIndex = 0;
  } else if (emphasis) {
    result.zIndex = 1;
    result.forceLabel = emphasis.size <= 60;
  }
  if (node === state.selected || node === state.focus) {
    result.highlighted = true;
    result.forceLabel = true;
    result.zIndex = 2;
  }
  if (state.path?.nodes.has(node)) result.color = kPathColor;
  return result;
}

function edgeReducer(edge, attributes) {
  if (state.clusterMode || state.plain) return attributes;
  const graph = state.graph;
  const source = graph.source(edge);
  const target = graph.target(edge);
  if (!state.visible.edges.has(edge) || !nodeShown(source) || !nodeShown(target)) return { ...attributes, hidden: true };
  if (state.path) {
    return state.path.edges.has(edge) ? { ...attributes, color: kPathColor, size: 3, zIndex: 1 } : { ...attributes, hidden: true };
  }
  if (state.focusSet && !(state.focusSet.has(source) && state.focusSet.has(target))) return { ...attributes, hidden: true };
  return attributes;
}

// --- the profile card
function showCard(node) {
  state.selected = node;
  state.plain = false;
  const member = state.graph.getNodeAttribute(node, 'member');
  $('atlas-card-name').textContent = member.name;
  $('atlas-card-disciplines').textContent = (member.disciplines ?? []).map((code) => config.disciplines[code] ?? code).join(', ');
  $('atlas-card-town').textContent = [member.town, member.region].filter(Boolean).join(', ');
  $('atlas-card-cluster').textContent = member.cluster !== undefined && member.cluster !== null ? clusterName(member.cluster) : '';
  $('atlas-card-profile').href = member.profile;
  $('atlas-card-connect').hidden = !config.me || String(config.me) === node;
  $('atlas-card-path').replaceChildren();
  $('atlas-card').hidden = false;
  state.renderer.refresh();
}

function hideCard() {
  state.selected = null;
  $('atlas-card').hidden = true;
  state.renderer.refresh();
}

function showPath(target) {
  const me = String(config.me);
  const list = $('atlas-card-path');
  list.replaceChildren();
  const path = shortestPath(state.graph, state.visible, me, target);
  if (!path) {
    state.path = null;
    const item = document.createElement('li');
    item.textContent = state.visible.nodes.has(me) ? t('no_path') : t('not_in_atlas');
    list.append(item);
  } else {
    state.path = { nodes: new Set(path), edges: pathEdges(state.graph, state.visible, path) };
    for (const node of path) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = state.graph.getNodeAttribute(node, 'member').profile;
      link.textContent = state.graph.getNodeAttribute(node, 'label');
      item.append(link);
      list.append(item);
    }
    status.textContent = t('status_path', { steps: path.length - 1 });
  }
  $('atlas-clear-path').hidden = !state.path;
  state.renderer.refresh();
  if (state.path) frame(state.path.nodes);
}

// --- focus and search
function focusOn(node, depth) {
  state.focus = node;
  state.depth = depth;
  $('atlas-depth').value = String(depth);
  if (state.openCluster === null && state.clusterMode) {
    state.openCluster = state.graph.getNodeAttribute(node, 'member').cluster ?? null;
  }
  update();
  showCard(node);
  frame(state.focusSet ?? new Set([node]), node);
}

// Moves the camera so that `nodes` fill the view, centred on `centre` when given.
function frame(nodes, centre = null) {
  const renderer = state.renderer;
  const points = [...nodes].map((node) => renderer.getNodeDisplayData(node)).filter(Boolean);
  if (points.length === 0) return;
  const middle = centre ? renderer.getNodeDisplayData(centre) : {
    x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
    y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
  };
  let reach = 0;
  for (const p of points) reach = Math.max(reach, Math.abs(p.x - middle.x), Math.abs(p.y - middle.y));
  const ratio = Math.min(1.2, Math.max(0.08, reach * 2.4));
  renderer.getCamera().animate({ x: middle.x, y: middle.y, ratio }, { duration: 400 });
}

function findByName(name) {
  let found = null;
  state.graph.forEachNode((node, attributes) => { if (!found && attributes.label === name) found = node; });
  return found ?? searchMembers(state.graph, name, 1)[0]?.node ?? null;
}

function wireSearch() {
  const input = $('atlas-search');
  const list = $('atlas-search-list');
  input.addEventListener('input', () => {
    list.replaceChildren();
    for (const hit of searchMembers(state.graph, input.value, 20)) {
      const option = document.createElement('option');
      option.value = hit.name;
      list.append(option);
    }
  });
  $('atlas-search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const node = findByName(input.value.trim());
    if (!node) {
      status.textContent = t('search_none', { query: input.value.trim() });
      return;
    }
    focusOn(node, Number($('atlas-depth').value) || 1);
  });
}

function wireControls() {
  const f = facets(state.data);
  fillSelect($('atlas-discipline'), f.disciplines.map((code) => ({ value: code, label: config.disciplines[code] ?? code })));
  fillSelect($('atlas-region'), f.regions.map((region) => ({ value: region, label: region })));
  fillSelect($('atlas-group'), f.groups.map((id) => ({ value: id, label: config.groups[id] ?? t('group_unnamed', { id }) })));
  for (const checkbox of document.querySelectorAll('#atlas-kinds input[type=checkbox]')) {
    checkbox.closest('label').hidden = !f.kinds.includes(checkbox.value);
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) state.filters.hiddenKinds.delete(checkbox.value);
      else state.filters.hiddenKinds.add(checkbox.value);
      update();
    });
  }
  for (const [id, key] of [['atlas-discipline', 'discipline'], ['atlas-region', 'region'], ['atlas-group', 'group']]) {
    $(id).addEventListener('change', (event) => { state.filters[key] = event.target.value; update(); });
  }
  const day = $('atlas-day');
  day.min = String(f.firstDay);
  day.max = String(f.lastDay);
  day.value = String(f.lastDay);
  const dayLabel = $('atlas-day-label');
  dayLabel.textContent = formatDay(f.lastDay);
  day.addEventListener('input', () => {
    const value = Number(day.value);
    state.filters.day = value >= f.lastDay ? null : value;
    dayLabel.textContent = formatDay(value);
    update();
  });
  $('atlas-colour').addEventListener('change', (event) => { state.colourMode = event.target.value; update(); });
  $('atlas-size').addEventListener('change', (event) => { state.sizeMode = event.target.value; update(); });
  $('atlas-depth').addEventListener('change', (event) => {
    state.depth = Number(event.target.value);
    if (!state.focus && state.selected) state.focus = state.selected;
    update();
  });
  const camera = state.renderer.getCamera();
  $('atlas-zoom-in').addEventListener('click', () => camera.animatedZoom({ duration: 300 }));
  $('atlas-zoom-out').addEventListener('click', () => camera.animatedUnzoom({ duration: 300 }));
  $('atlas-zoom-reset').addEventListener('click', () => {
    state.focus = null;
    state.path = null;
    $('atlas-depth').value = '0';
    state.depth = 0;
    $('atlas-clear-path').hidden = true;
    update();
    camera.animatedReset({ duration: 300 });
  });
  $('atlas-clear-path').addEventListener('click', () => {
    state.path = null;
    $('atlas-clear-path').hidden = true;
    $('atlas-card-path').replaceChildren();
    state.renderer.refresh();
  });
  $('atlas-clusters-back').addEventListener('click', () => {
    state.openCluster = null;
    state.focus = null;
    update();
    camera.animatedReset({ duration: 300 });
  });
  $('atlas-card-close').addEventListener('click', hideCard);
  $('atlas-card-connect').addEventListener('click', () => { if (state.selected) showPath(state.selected); });
  $('atlas-export-png').addEventListener('click', async () => download(await pngBlob(state.renderer), `${config.network}-atlas.png`));
  $('atlas-export-svg').addEventListener('click', () => {
    const svg = svgText(state.renderer, state.renderer.getGraph(), t('export_title'));
    download(new Blob([svg], { type: 'image/svg+xml' }), `${config.network}-atlas.svg`);
  });
}

// Opens one cluster from the bubble view: its members drawn, the camera on them.
function openCluster(cluster) {
  state.openCluster = cluster;
  update();
  state.renderer.getCamera().animatedReset({ duration: 300 });
}

function wireRenderer() {
  const renderer = state.renderer;
  renderer.on('clickNode', ({ node }) => {
    if (state.clusterMode) {
      openCluster(renderer.getGraph().getNodeAttribute(node, 'cluster'));
      return;
    }
    showCard(node);
  });
  renderer.on('clickStage', () => { if (!state.clusterMode && state.selected) hideCard(); });
  // Zooming far into the bubbles opens the cluster nearest to the centre of the view.
  renderer.getCamera().on('updated', (camera) => {
    if (!state.clusterMode || camera.ratio > 0.25) return;
    let best = null;
    let bestDistance = Infinity;
    renderer.getGraph().forEachNode((node, attributes) => {
      const display = renderer.getNodeDisplayData(node);
      if (!display) return;
      const distance = (display.x - camera.x) ** 2 + (display.y - camera.y) ** 2;
      if (distance < bestDistance) { bestDistance = distance; best = attributes.cluster; }
    });
    if (best !== null) setTimeout(() => openCluster(best), 0);
  });
}

async function start() {
  if (!webglAvailable()) {
    $('atlas-no-webgl').hidden = false;
    location.replace(config.textUrl);
    return;
  }
  // Phones: the controls start folded, so the map is the first thing on the screen.
  if (window.matchMedia('(max-width: 760px)').matches) $('atlas-panel').open = false;
  status.textContent = t('loading');
  let response;
  try {
    response = await fetch(config.dataUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    status.textContent = t('load_failed');
    return;
  }
  if (!response.ok) {
    // 404: no atlas route or snapshot yet; 503: the engine is still computing the first one.
    status.textContent = response.status === 404 || response.status === 503 ? t('not_computed') : t('load_failed');
    return;
  }
  state.data = await response.json();
  performance.mark('atlas-parsed');
  // A large network draws its members first and its ties a frame later: indexing 100,000 ties takes
  // longer than the first look at the map needs to wait.
  const large = state.data.edges.length > 20000;
  state.graph = buildGraph(state.data, { withEdges: !large });
  performance.mark('atlas-graph');
  if (state.graph.order === 0) {
    status.textContent = t('empty');
    return;
  }
  compute();
  const container = $('atlas-canvas');
  state.renderer = new Sigma(shownGraph(), container, {
    nodeReducer, edgeReducer,
    zIndex: true,
    labelRenderedSizeThreshold: 9,
    labelFont: 'system-ui, sans-serif',
    defaultEdgeColor: '#c5ccd3',
    minCameraRatio: 0.02,
    maxCameraRatio: 4,
    // Many ties: one-pixel lines (half the vertices of rectangles), and no ties while the camera moves.
    ...(large ? { edgeProgramClasses: { line: EdgeLineProgram }, hideEdgesOnMove: true } : {}),
  });
  performance.mark('atlas-sigma');
  // The constructor drew the first frame; it is on screen once the browser has painted.
  await painted();
  window.atlasFirstFrameMs = performance.now();  // read by the browser test and the benchmark
  root.dataset.drawn = 'true';
  wireRenderer();
  wireControls();
  wireSearch();
  updateStatus();
  if (large) {
    state.graph = buildGraph(state.data);
    compute();
    state.renderer.setGraph(shownGraph());
    updateStatus();
    await painted();
  }
  window.atlasCompleteMs = performance.now();
  root.dataset.ready = 'true';
}

// Resolves after the browser has painted the frame drawn so far.
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

start();
