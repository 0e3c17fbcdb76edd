/**
 * Hand-written inline SVG charts. Each is an image with a <title> and <desc>
 * (role="img", aria-labelledby) and is always shown next to a table with the
 * same numbers, so nothing depends on seeing colour. Bar colours are at least
 * 3:1 against white, segments are separated by white gaps, and every segment
 * carries a <title> tooltip with its exact value.
 */
import { cleanInline, escapeHtml } from "./escape.js";
import { MUTED_COLOR, TEXT_COLOR } from "./html-kit.js";

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

/** Review depth colours, weakest to deepest. */
export const DEPTH_COLORS: Readonly<Record<string, string>> = {
  "rubber-stamp": "#6e7781",
  light: "#9a6700",
  substantive: "#0969da",
  deep: "#6639ba",
  unknown: "#424a53",
};

/** Colours for people or kinds, cycled. */
export const PALETTE: readonly string[] = ["#0969da", "#9a6700", "#1a7f37", "#6639ba", "#bf3989", "#cf222e", "#0a3069", "#57606a", "#953800", "#116329"];

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

/** Horizontal stacked bars: one row per label, one segment per series. `percent` scales each row to 100%. */
export function stackedBarChart(opts: {
  id: string;
  title: string;
  description: string;
  series: ChartSeries[];
  /** `names` (optional, per segment) name a segment in its tooltip and, when it is wide enough, on the bar. */
  rows: Array<{ label: string; values: number[]; names?: Array<string | null> }>;
  percent?: boolean;
}): string {
  const width = 680;
  const labelWidth = 205;
  const valueWidth = 60;
  const barWidth = width - labelWidth - valueWidth - 10;
  const legend = layoutLegend(opts.series, width);
  const rowHeight = 26;
  const top = legend.height + 10;
  const height = top + Math.max(1, opts.rows.length) * rowHeight + 6;
  const max = opts.percent ? 1 : Math.max(1, ...opts.rows.map((r) => sum(r.values)));
  const body: string[] = [];
  opts.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const total = sum(row.values);
    body.push(
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="13" fill="${TEXT_COLOR}">${label(row.label, 28)}</text>`,
    );
    let x = labelWidth;
    row.values.forEach((value, s) => {
      if (!(value > 0)) return;
      const w = opts.percent ? (total === 0 ? 0 : (value / total) * barWidth) : (value / max) * barWidth;
      const series = opts.series[s];
      if (!series) return;
      const share = total === 0 ? 0 : Math.round((value / total) * 100);
      const name = row.names?.[s] ?? null;
      const who = name ? `${series.label}, ${name}` : series.label;
      body.push(
        `<rect x="${fmt(x)}" y="${y + 3}" width="${fmt(Math.max(w - 1, 0.5))}" height="${rowHeight - 8}" fill="${series.color}"><title>${escapeHtml(cleanInline(row.label, 60))}: ${escapeHtml(cleanInline(who, 120))} ${value}${opts.percent ? ` (${share}%)` : ""}</title></rect>`,
      );
      // Name the segment on the bar when it fits (about 7 px a character at this size).
      const text = name ? `${cleanInline(name, 40)} ${opts.percent ? `${share}%` : value}` : "";
      if (text && w - 8 >= text.length * 6.6) {
        body.push(
          `<text x="${fmt(x + 4)}" y="${y + 17}" font-size="11" fill="${readableOn(series.color)}">${escapeHtml(text)}</text>`,
        );
      }
      x += w;
    });
    body.push(
      `<text x="${labelWidth + barWidth + 8}" y="${y + 17}" font-size="13" fill="${TEXT_COLOR}">${fmtNumber(total)}</text>`,
    );
  });
  if (opts.rows.length === 0) {
    body.push(`<text x="${labelWidth}" y="${top + 17}" font-size="13" fill="${MUTED_COLOR}">No data</text>`);
  }
  return svg(opts.id, opts.title, opts.description, width, height, [...legend.parts, ...body]);
}

/** Vertical columns, one per label (e.g. per month). */
export function columnChart(opts: {
  id: string;
  title: string;
  description: string;
  color: string;
  columns: Array<{ label: string; value: number }>;
}): string {
  const width = 680;
  const height = 240;
  const left = 40;
  const bottom = 30;
  const topPad = 24;
  const plotHeight = height - bottom - topPad;
  const n = Math.max(1, opts.columns.length);
  const slot = (width - left - 10) / n;
  const barW = Math.min(60, slot * 0.7);
  const max = Math.max(1, ...opts.columns.map((c) => c.value));
  const parts: string[] = [
    `<line x1="${left}" y1="${topPad + plotHeight}" x2="${width - 10}" y2="${topPad + plotHeight}" stroke="${MUTED_COLOR}" stroke-width="1"/>`,
    `<text x="${left - 6}" y="${topPad + 4}" text-anchor="end" font-size="12" fill="${MUTED_COLOR}">${max}</text>`,
    `<text x="${left - 6}" y="${topPad + plotHeight}" text-anchor="end" font-size="12" fill="${MUTED_COLOR}">0</text>`,
  ];
  opts.columns.forEach((c, i) => {
    const h = (Math.max(0, c.value) / max) * plotHeight;
    const cx = left + slot * i + slot / 2;
    parts.push(
      `<rect x="${fmt(cx - barW / 2)}" y="${fmt(topPad + plotHeight - h)}" width="${fmt(barW)}" height="${fmt(Math.max(h, 0))}" fill="${opts.color}"><title>${label(c.label, 40)}: ${c.value}</title></rect>`,
      `<text x="${fmt(cx)}" y="${fmt(topPad + plotHeight - h - 5)}" text-anchor="middle" font-size="12" fill="${TEXT_COLOR}">${c.value}</text>`,
      `<text x="${fmt(cx)}" y="${height - 10}" text-anchor="middle" font-size="12" fill="${TEXT_COLOR}">${label(c.label, 12)}</text>`,
    );
  });
  return svg(opts.id, opts.title, opts.description, width, height, parts);
}

/** Horizontal grouped bars: one group per label, one bar per series (e.g. this period and the previous one). */
export function groupedBarChart(opts: {
  id: string;
  title: string;
  description: string;
  series: ChartSeries[];
  rows: Array<{ label: string; values: Array<number | null> }>;
}): string {
  const width = 680;
  const labelWidth = 270;
  const barWidth = width - labelWidth - 50;
  const legend = layoutLegend(opts.series, width);
  const barH = 12;
  const groupH = opts.series.length * (barH + 2) + 10;
  const top = legend.height + 10;
  const height = top + Math.max(1, opts.rows.length) * groupH + 4;
  const max = Math.max(1, ...opts.rows.flatMap((r) => r.values.map((v) => v ?? 0)));
  const parts: string[] = [...legend.parts];
  opts.rows.forEach((row, i) => {
    const y = top + i * groupH;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + (opts.series.length * (barH + 2)) / 2 + 4}" text-anchor="end" font-size="12" fill="${TEXT_COLOR}">${label(row.label, 40)}</text>`,
    );
    row.values.forEach((value, s) => {
      const series = opts.series[s];
      if (!series) return;
      const by = y + s * (barH + 2);
      const w = value === null ? 0 : (Math.max(0, value) / max) * barWidth;
      if (w > 0) {
        parts.push(
          `<rect x="${labelWidth}" y="${by}" width="${fmt(w)}" height="${barH}" fill="${series.color}"><title>${label(row.label, 60)}, ${escapeHtml(series.label)}: ${value}</title></rect>`,
        );
      }
      parts.push(
        `<text x="${fmt(labelWidth + w + 4)}" y="${by + barH - 2}" font-size="11" fill="${TEXT_COLOR}">${value === null ? "no data" : value}</text>`,
      );
    });
  });
  return svg(opts.id, opts.title, opts.description, width, height, parts);
}

function svg(id: string, title: string, description: string, width: number, height: number, parts: string[]): string {
  const safeId = id.replace(/[^a-zA-Z0-9_-]/g, "-");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${safeId}-title ${safeId}-desc" viewBox="0 0 ${width} ${fmt(height)}" width="${width}" height="${fmt(height)}" ${FONT}>`,
    `<title id="${safeId}-title">${escapeHtml(cleanInline(title, 300))}</title>`,
    `<desc id="${safeId}-desc">${escapeHtml(cleanInline(description, 3000))}</desc>`,
    ...parts,
    "</svg>",
  ].join("\n");
}

function layoutLegend(series: ChartSeries[], width: number): { parts: string[]; height: number } {
  const parts: string[] = [];
  let x = 0;
  let y = 4;
  for (const s of series) {
    const text = cleanInline(s.label, 40);
    const w = 18 + text.length * 7.2 + 16;
    if (x + w > width && x > 0) {
      x = 0;
      y += 20;
    }
    parts.push(
      `<rect x="${fmt(x)}" y="${y}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${fmt(x + 17)}" y="${y + 11}" font-size="12" fill="${TEXT_COLOR}">${escapeHtml(text)}</text>`,
    );
    x += w;
  }
  return { parts, height: series.length === 0 ? 0 : y + 16 };
}

/** White or near-black text, whichever reads better on a fill colour. */
function readableOn(fill: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(fill);
  if (!m) return TEXT_COLOR;
  const n = Number.parseInt(m[1]!, 16);
  const lum = (c: number): number => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lum((n >> 16) & 255) + 0.7152 * lum((n >> 8) & 255) + 0.0722 * lum(n & 255);
  return (1.05 / (l + 0.05)) >= 4.5 ? "#ffffff" : TEXT_COLOR;
}

/** Concentration colours: the person who did the most, the next, everyone else. */
export const CONCENTRATION_COLORS = { top: "#0a3069", next: "#0969da", rest: "#afb8c1" } as const;

function label(value: string, max: number): string {
  return escapeHtml(cleanInline(value, max));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + (b > 0 ? b : 0), 0);
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function fmtNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
