// PNG and SVG of what the map shows right now: the PNG composes sigma's canvas layers; the SVG is
// drawn from the graph state (positions on screen, colours, sizes, visible edges and labels).

// Every layer of the renderer on one white canvas, as a PNG blob. Renders first, in the same task,
// so the WebGL layers still hold their picture when they are copied.
export function pngBlob(renderer) {
  renderer.refresh();
  const { width, height } = renderer.getDimensions();
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const layers = renderer.getCanvases();
  for (const name of ['edges', 'edgeLabels', 'nodes', 'labels', 'hovers', 'hoverNodes']) {
    if (layers[name]) context.drawImage(layers[name], 0, 0, canvas.width, canvas.height);
  }
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }[c]));
}

// The current view as an SVG document: every node and edge the renderer shows (after the reducers),
// in viewport coordinates, with the labels of nodes that show one.
export function svgText(renderer, graph, title) {
  const { width, height } = renderer.getDimensions();
  const inside = (p, margin) => p.x >= -margin && p.y >= -margin && p.x <= width + margin && p.y <= height + margin;
  const shown = new Map();
  graph.forEachNode((node) => {
    const display = renderer.getNodeDisplayData(node);
    if (!display || display.hidden) return;
    const point = renderer.framedGraphToViewport(display);
    const radius = renderer.scaleSize(display.size);
    shown.set(node, { point, radius, display });
  });
  const parts = [];
  parts.push(`<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  parts.push(`<title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push('<g stroke-linecap="round">');
  graph.forEachEdge((edge, attributes, source, target) => {
    const display = renderer.getEdgeDisplayData(edge);
    if (!display || display.hidden) return;
    const a = shown.get(source);
    const b = shown.get(target);
    if (!a || !b || (!inside(a.point, 0) && !inside(b.point, 0))) return;
    parts.push(`<line x1="${a.point.x.toFixed(1)}" y1="${a.point.y.toFixed(1)}" x2="${b.point.x.toFixed(1)}" y2="${b.point.y.toFixed(1)}" stroke="${escapeXml(display.color)}" stroke-width="${Math.max(0.5, renderer.scaleSize(display.size)).toFixed(2)}"/>`);
  });
  parts.push('</g><g>');
  for (const { point, radius, display } of shown.values()) {
    if (!inside(point, radius)) continue;
    parts.push(`<circle cx="${point.x.toFixed(1)}" cy="${point.y.toFixed(1)}" r="${radius.toFixed(2)}" fill="${escapeXml(display.color)}"/>`);
  }
  parts.push('</g><g font-family="sans-serif" font-size="12" fill="#1b1f24">');
  for (const { point, radius, display } of shown.values()) {
    if (!display.label || !inside(point, radius) || !(display.forceLabel || display.highlighted || radius >= 6)) continue;
    parts.push(`<text x="${(point.x + radius + 3).toFixed(1)}" y="${(point.y + 4).toFixed(1)}">${escapeXml(display.label)}</text>`);
  }
  parts.push('</g></svg>\n');
  return parts.join('');
}

// Lets the browser save `blob` as `name` (a temporary object URL on a download link).
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
