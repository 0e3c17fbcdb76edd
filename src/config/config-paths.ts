/**
 * Paths into a parsed `.github/unsung.yml` ("bots.logins[2]"): formatting them, reading
 * and removing the value at one, and finding the line and column of a node or a key.
 */
import type YAML from "yaml";
import { isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from "yaml";

export type PathSeg = string | number;

export function valueAt(value: unknown, path: readonly PathSeg[]): unknown {
  let v: unknown = value;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = Object.prototype.hasOwnProperty.call(v, seg) ? (v as Record<string, unknown>)[seg as string] : undefined;
  }
  return v;
}

export function removeKey(value: unknown, path: readonly PathSeg[], key: string): void {
  const parent = valueAt(value, path);
  if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[key];
}

/** `bots.logins[2]`, `teams["my team"]`. */
export function formatPath(path: readonly PathSeg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out.length === 0 ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// ── Positions in the YAML ────────────────────────────────────────────────

function nodeAt(doc: YAML.Document.Parsed, path: readonly PathSeg[]): YamlNode | null {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) return node as YamlNode;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return node as YamlNode;
      node = item;
    } else {
      return (node as YamlNode | null) ?? null;
    }
  }
  return (node as YamlNode | null) ?? null;
}

export function nodePosition(doc: YAML.Document.Parsed, lc: LineCounter, path: readonly PathSeg[]): { line: number; col: number } | null {
  const node = nodeAt(doc, path);
  const start = node?.range?.[0];
  return typeof start === "number" ? lc.linePos(start) : null;
}

export function keyPosition(doc: YAML.Document.Parsed, lc: LineCounter, path: readonly PathSeg[], key: string): { line: number; col: number } | null {
  const parent = nodeAt(doc, path);
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
    const k = pair?.key as YamlNode | undefined;
    if (k?.range) return lc.linePos(k.range[0]);
  }
  return parent?.range ? lc.linePos(parent.range[0]) : null;
}
