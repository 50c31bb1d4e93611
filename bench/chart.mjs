// Renders the benchmark chart: one group of bars per scenario (floor, kube-client, client-node,
// client-go), each client's time (or cost) as a
// multiple of the bare floor (1.0 = floor; lower is better). SVG, converted to PNG with resvg.
export function chartSvg(rows) {
  const colors = { 'kube-client': '#326ce5', 'client-node': '#e5732b', 'client-go': '#00add8', floor: '#7a7a7a' };
  const clients = ['floor', 'kube-client', 'client-node', 'client-go'];
  const W = 900;
  const rowH = 90;
  const left = 260;
  const H = 80 + rows.length * rowH + 40;
  const max = Math.max(2, ...rows.flatMap((r) => clients.map((c) => r.ratios[c] ?? 0)));
  const x = (v) => left + (v / max) * (W - left - 60);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans" font-size="13">`;
  svg += `<rect width="${W}" height="${H}" fill="white"/>`;
  svg += `<text x="20" y="30" font-size="17" font-weight="bold">kube-client vs client-node vs client-go vs bare floor (x floor, lower is better)</text>`;
  clients.forEach((c, i) => {
    svg += `<rect x="${20 + i * 150}" y="45" width="14" height="14" fill="${colors[c]}"/><text x="${40 + i * 150}" y="57">${c}</text>`;
  });
  rows.forEach((r, i) => {
    const y = 80 + i * rowH;
    svg += `<text x="20" y="${y + 30}">${r.label}</text>`;
    clients.forEach((c, j) => {
      const v = r.ratios[c];
      const by = y + j * 20;
      if (v === undefined) {
        svg += `<text x="${left + 4}" y="${by + 14}" fill="#999">${c}: n/a</text>`;
        return;
      }
      svg += `<rect x="${left}" y="${by}" width="${Math.max(1, x(v) - left)}" height="16" fill="${colors[c]}"/>`;
      svg += `<text x="${x(v) + 5}" y="${by + 13}">${v.toFixed(2)}x</text>`;
    });
  });
  svg += `<line x1="${x(1)}" y1="70" x2="${x(1)}" y2="${H - 30}" stroke="#333" stroke-dasharray="4 3"/>`;
  return `${svg}</svg>`;
}
