// report.mjs - statistics and output for benchmark/run.mjs: medians, min-max,
// paired ratios, the console/markdown tables and the hand-written SVG chart.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Median, min and max of the finite values. */
export function summary(values) {
  const v = values.filter((x) => Number.isFinite(x));
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** Round-by-round ratios a[i] / b[i], skipping rounds where either is missing. */
export function pairedRatios(a, b) {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] !== 0) out.push(a[i] / b[i]);
  }
  return out;
}

export function fmt(x, digits = 1) {
  if (!Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (Math.abs(x) >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(digits);
}

/** Whole number with thousands separators ("34,144"). */
export const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');

export const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');

/** "median (min–max)" of a summary, formatted with fmt. */
export function fmtSummary(s, digits = 1, f = fmt) {
  if (!s || !Number.isFinite(s.median)) return 'n/a';
  if (s.n === 1) return f(s.median, digits);
  return `${f(s.median, digits)} (${f(s.min, digits)}–${f(s.max, digits)})`;
}

export function fmtRatioSummary(s) {
  if (!s || !Number.isFinite(s.median)) return 'n/a';
  return `${fmtRatio(s.median)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

/** A markdown table from a header row and rows of cells. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A plain-text table for the console. */
export function textTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const escapeXml = (s) => String(s).replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Line chart of wake-ups/s against N, log x axis, linear y axis from 0.
 * series: [{ label, color, points: [{ n, value, min, max }] }]
 */
export function wakeupsSvg(series, title) {
  const W = 760, H = 420, L = 80, R = 240, T = 40, B = 50;
  const pw = W - L - R, ph = H - T - B;
  const ns = [...new Set(series.flatMap((s) => s.points.map((p) => p.n)))].sort((a, b) => a - b);
  const lo = Math.log10(Math.min(...ns)), hi = Math.log10(Math.max(...ns));
  const ymaxRaw = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.max ?? p.value)));
  const step = niceStep(ymaxRaw / 5);
  const ymax = Math.ceil(ymaxRaw / step) * step;
  const x = (n) => L + (hi === lo ? pw / 2 : ((Math.log10(n) - lo) / (hi - lo)) * pw);
  const y = (v) => T + ph - (v / ymax) * ph;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${L + pw / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);
  for (let v = 0; v <= ymax + step / 2; v += step) {
    out.push(`<line x1="${L}" y1="${y(v)}" x2="${L + pw}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${+(v / 1000).toFixed(1)} k` : v}</text>`);
  }
  for (const n of ns) {
    out.push(`<line x1="${x(n)}" y1="${T}" x2="${x(n)}" y2="${T + ph}" stroke="#eee"/>`);
    out.push(`<text x="${x(n)}" y="${T + ph + 18}" text-anchor="middle">${n.toLocaleString('en-US')}</text>`);
  }
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 10}" text-anchor="middle">N (eventfds / sockets in the ring, log scale)</text>`);
  out.push(`<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle">wake-ups per second (median)</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.value));
    if (pts.length > 0) {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${x(p.n).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`);
      for (const p of pts) {
        if (Number.isFinite(p.min) && Number.isFinite(p.max)) {
          out.push(`<line x1="${x(p.n)}" y1="${y(p.min)}" x2="${x(p.n)}" y2="${y(p.max)}" stroke="${s.color}" stroke-width="1"/>`);
        }
        out.push(`<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeXml(`${s.label}, N=${p.n}: ${Math.round(p.value)}/s`)}</title></circle>`);
      }
    }
    const ly = T + 10 + i * 22;
    out.push(`<line x1="${L + pw + 14}" y1="${ly}" x2="${L + pw + 38}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${L + pw + 44}" y="${ly + 4}">${escapeXml(s.label + (pts.length ? '' : ' (skipped)'))}</text>`);
  });
  out.push(`<text x="${L + pw + 14}" y="${T + 10 + series.length * 22 + 8}" fill="#666" font-size="10">bars: min–max of the rounds</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
