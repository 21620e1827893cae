// A synthetic atlas JSON in the format of the engine's GET /atlas/data.json (docs: ATLAS.md): members
// in clusters by discipline and region with positions in [-1, 1], ties mostly inside clusters, a few
// brokers and isolated newcomers. Deterministic (seeded), for the browser test and the first-frame benchmark.

// mulberry32: a small seeded generator, good enough for test data.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kFirstNames = ['Anouk', 'Bram', 'Carlijn', 'Daan', 'Eva', 'Floor', 'Gijs', 'Hanna', 'Ilse', 'Joost', 'Kim',
  'Lotte', 'Maarten', 'Noor', 'Olivier', 'Pien', 'Quinten', 'Roos', 'Sander', 'Tessa', 'Ugo', 'Vera', 'Wouter',
  'Xander', 'Yara', 'Zoë'];
const kLastNames = ['de Vries', 'Jansen', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder',
  'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits'];
const kDisciplines = ['ict', 'legal', 'finance', 'marketing', 'hr', 'communication', 'sustainability', 'coaching'];
const kRegions = ['West-Brabant', 'Zeeland', 'Midden-Brabant', 'Oost-Brabant'];
const kTowns = { 'West-Brabant': ['Breda', 'Roosendaal', 'Bergen op Zoom'], Zeeland: ['Middelburg', 'Goes', 'Vlissingen'],
  'Midden-Brabant': ['Tilburg', 'Oisterwijk'], 'Oost-Brabant': ['Eindhoven', "'s-Hertogenbosch", 'Helmond'] };
const kKinds = ['knows', 'worked_together', 'referred', 'backup', 'shared_group', 'met_at_events'];
const kNow = 1795000000;  // a fixed "now" (2026-11-18), so the data never depends on the clock
const kYear = 365 * 86400;

export function atlasFixture({ members = 230, ties = 1200, seed = 7, slug = 'kkp', firstId = 1 } = {}) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const gaussian = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const clusterCount = Math.max(2, Math.round(members / 40));
  const clusters = [];
  for (let c = 0; c < clusterCount; c++) {
    const angle = (2 * Math.PI * c) / clusterCount;
    const radius = 0.35 + 0.45 * next();
    clusters.push({ id: c + 1, x: radius * Math.cos(angle), y: radius * Math.sin(angle),
      discipline: kDisciplines[c % kDisciplines.length], region: kRegions[c % kRegions.length], members: [] });
  }
  const nodes = [];
  for (let i = 0; i < members; i++) {
    const cluster = clusters[i % clusterCount];
    const id = firstId + i;
    const disciplines = [cluster.discipline];
    if (next() < 0.4) disciplines.push(pick(kDisciplines.filter((code) => code !== cluster.discipline)));
    const region = next() < 0.85 ? cluster.region : pick(kRegions);
    const spread = 0.06 + 0.04 * Math.sqrt(clusterCount / 6);
    nodes.push({
      id, name: `${kFirstNames[i % kFirstNames.length]} ${kLastNames[Math.floor(i / kFirstNames.length) % kLastNames.length]}${i >= kFirstNames.length * kLastNames.length ? ` ${Math.floor(i / (kFirstNames.length * kLastNames.length)) + 1}` : ''}`,
      profile: `/leden/${id}`,
      x: Math.max(-1, Math.min(1, cluster.x + spread * gaussian())),
      y: Math.max(-1, Math.min(1, cluster.y + spread * gaussian())),
      cluster: cluster.id, pagerank: 0, betweenness: 0, coreness: 1,
      disciplines, town: pick(kTowns[region]), region, groups: [1 + (cluster.id % 6)],
      since: kNow - Math.floor(next() * 6 * kYear),
    });
    cluster.members.push(nodes.length - 1);
  }
  // The last 2% are newcomers without ties (the isolated list).
  const connected = Math.floor(members * 0.98);
  const seen = new Set();
  const edges = [];
  const degree = new Array(members).fill(0);
  let attempts = 0;
  while (edges.length < ties && attempts < ties * 20) {
    attempts += 1;
    const a = Math.floor(next() * connected);
    const cluster = clusters[a % clusterCount];
    const b = next() < 0.85 ? cluster.members[Math.floor(next() * cluster.members.length)] : Math.floor(next() * connected);
    if (a === b || b >= connected) continue;
    const kind = next() < 0.6 ? 'knows' : pick(kKinds);
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const key = `${lo}-${hi}-${kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const since = Math.max(nodes[lo].since, nodes[hi].since) + Math.floor(next() * kYear);
    edges.push({ source: nodes[lo].id, target: nodes[hi].id, kind, weight: 1, since: Math.min(since, kNow) });
    degree[lo] += 1;
    degree[hi] += 1;
  }
  const total = degree.reduce((sum, d) => sum + d, 0) || 1;
  nodes.forEach((node, i) => { node.pagerank = degree[i] / total; node.coreness = Math.min(degree[i], 8); });
  // Brokers: members with the most ties leaving their cluster.
  const outside = new Array(members).fill(0);
  const indexOf = new Map(nodes.map((node, i) => [node.id, i]));
  for (const edge of edges) {
    const a = indexOf.get(edge.source);
    const b = indexOf.get(edge.target);
    if (nodes[a].cluster !== nodes[b].cluster) { outside[a] += 1; outside[b] += 1; }
  }
  const maxOutside = Math.max(1, ...outside);
  nodes.forEach((node, i) => { node.betweenness = outside[i] / maxOutside; });
  const brokers = [...nodes.keys()].sort((a, b) => outside[b] - outside[a]).slice(0, 10).map((i) => nodes[i].id);
  const isolated = nodes.filter((node, i) => degree[i] <= 1).map((node) => node.id);
  return {
    network: { id: 1, slug }, snapshot: { id: 1, computed_at: kNow },
    nodes, edges,
    clusters: clusters.map((cluster) => {
      const mix = {};
      for (const i of cluster.members) for (const code of nodes[i].disciplines) mix[code] = (mix[code] ?? 0) + 1;
      return { id: cluster.id, name: '', size: cluster.members.length, disciplines: mix };
    }),
    brokers, isolated,
  };
}
