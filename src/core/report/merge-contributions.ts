/**
 * One piece of evidence per subject and kind: several reviews of the same pull
 * request, or a detector that ran twice, become one item so nothing is counted
 * twice and the strongest evidence leads.
 */
import { REVIEW_LEVELS, type Contribution, type ContributionKind, type EvidenceFormula, type GlueDynamics, type ProofItem } from "../model.js";

/** Contributions of one kind on one subject, merged. */
export interface MergedContribution {
  /** The key of the strongest contribution. */
  key: string;
  /** Every merged contribution key (for matching annotations). */
  keys: string[];
  kind: ContributionKind;
  personId: number;
  personLogin: string;
  subjectType: string;
  subjectTitle: string;
  subjectUrl: string;
  /** The URL as used for matching (see normalizeUrl). */
  matchUrl: string;
  repositoryFullName: string;
  repositoryPrivate: boolean;
  /** The latest occurrence. */
  occurredAt: string;
  score: number;
  confidence: number;
  level: string | null;
  dynamics: GlueDynamics;
  evidence: string[];
  formula: EvidenceFormula;
  /** The raw contributions, strongest first. */
  parts: Contribution[];
}

/**
 * A URL as compared for "the same subject": lower-case scheme and host, no
 * query or fragment (a review's `#pullrequestreview-1` anchor points into its PR),
 * no trailing slash, and no `/files`, `/commits`, `/checks` tab of a pull request.
 */
/** Normalised URLs by input: a team report normalises the same few thousand subject URLs many times. */
const normalized = new Map<string, string>();
const MAX_CACHED = 100_000;

export function normalizeUrl(url: string | null | undefined): string {
  if (typeof url !== "string") return "";
  const hit = normalized.get(url);
  if (hit !== undefined) return hit;
  const out = normalizeUrlUncached(url);
  if (normalized.size >= MAX_CACHED) normalized.clear();
  normalized.set(url, out);
  return out;
}

function normalizeUrlUncached(url: string): string {
  const trimmed = url.trim();
  if (trimmed === "") return "";
  try {
    const u = new URL(trimmed);
    let path = u.pathname.replace(/\/+$/, "");
    path = path.replace(/(\/pull\/\d+)\/(files|commits|checks)$/i, "$1");
    return `${u.protocol.toLowerCase()}//${u.host.toLowerCase()}${path}`;
  } catch {
    return trimmed.toLowerCase();
  }
}

/** Strongest first: higher score, then more recent, then key (so the order never depends on input order). */
export function compareStrength(
  a: { score: number; occurredAt: string; key: string },
  b: { score: number; occurredAt: string; key: string },
): number {
  if (b.score !== a.score) return b.score - a.score;
  const ta = timeOf(a.occurredAt);
  const tb = timeOf(b.occurredAt);
  if (tb !== ta) return tb - ta;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Sorts strongest first (see compareStrength), parsing each timestamp once. */
export function sortByStrength<T extends { score: number; occurredAt: string; key: string }>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, t: timeOf(item.occurredAt) }))
    .sort((a, b) => {
      if (b.item.score !== a.item.score) return b.item.score - a.item.score;
      if (b.t !== a.t) return b.t > a.t ? 1 : -1;
      return a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0;
    })
    .map((x) => x.item);
}

/**
 * What makes two contributions of one person and kind "the same subject": the normalised subject
 * URL, or the contribution's own key when it has no URL. Stored with each contribution
 * (`contributions.match_url`) so the database can merge the way mergeContributions does.
 */
export function matchKeyOf(c: Pick<Contribution, "subjectUrl" | "key">): string {
  const url = normalizeUrl(c.subjectUrl);
  return url === "" ? `key:${c.key}` : url;
}

/** Merges contributions with the same kind and subject URL (per person). Result is strongest first. */
export function mergeContributions(items: readonly Contribution[]): MergedContribution[] {
  const groups = new Map<string, Contribution[]>();
  for (const c of items) {
    const id = `${c.personId}\u0000${c.kind}\u0000${matchKeyOf(c)}`;
    const list = groups.get(id);
    if (list) list.push(c);
    else groups.set(id, [c]);
  }
  const merged: MergedContribution[] = [];
  for (const group of groups.values()) {
    const parts = group.length === 1 ? group : [...group].sort((a, b) => compareStrength(scoreOf(a), scoreOf(b)));
    const top = parts[0];
    if (!top) continue;
    merged.push({
      key: top.key,
      keys: [...new Set(parts.map((p) => p.key))],
      kind: top.kind,
      personId: top.personId,
      personLogin: top.personLogin,
      subjectType: top.subjectType,
      subjectTitle: top.subjectTitle,
      subjectUrl: top.subjectUrl,
      matchUrl: normalizeUrl(top.subjectUrl),
      repositoryFullName: top.repositoryFullName,
      repositoryPrivate: parts.some((p) => p.repositoryPrivate),
      occurredAt: latest(parts.map((p) => p.occurredAt)),
      score: clampScore(top.score),
      confidence: Math.max(...parts.map((p) => (Number.isFinite(p.confidence) ? p.confidence : 0))),
      level: strongestLevel(top.kind, parts),
      dynamics: parts.some((p) => p.dynamics === "trap")
        ? "trap"
        : parts.some((p) => p.dynamics === "compounding")
          ? "compounding"
          : "neutral",
      evidence: unique(parts.flatMap((p) => (Array.isArray(p.evidence) ? p.evidence : []))),
      formula: mergeFormulas(parts.map((p) => p.formula)),
      parts,
    });
  }
  return sortByStrength(merged);
}

/** Review levels by depth, so a merged review keeps its deepest level. */
export function levelRank(level: string | null): number {
  return level === null ? -1 : (REVIEW_LEVELS as readonly string[]).indexOf(level);
}

function strongestLevel(kind: ContributionKind, parts: Contribution[]): string | null {
  if (kind !== "review") return parts[0]?.level ?? null;
  let best: string | null = null;
  for (const p of parts) {
    if (levelRank(p.level) > levelRank(best)) best = p.level;
  }
  return best ?? parts[0]?.level ?? null;
}

function mergeFormulas(formulas: Array<EvidenceFormula | undefined>): EvidenceFormula {
  const present = formulas.filter((f): f is EvidenceFormula => f !== undefined && f !== null && typeof f === "object");
  const first = (pick: (f: EvidenceFormula) => unknown): string => {
    for (const f of present) {
      const v = pick(f);
      if (typeof v === "string" && v.trim() !== "") return v;
    }
    return "";
  };
  const proof: ProofItem[] = [];
  const seenProof = new Set<string>();
  for (const f of present) {
    for (const p of Array.isArray(f.proof) ? f.proof : []) {
      if (!p || typeof p.label !== "string") continue;
      const id = `${p.url ?? ""}\u0000${p.label}`;
      if (seenProof.has(id)) continue;
      seenProof.add(id);
      proof.push(p.url === undefined ? { label: p.label } : { label: p.label, url: p.url });
    }
  }
  return {
    friction: first((f) => f.friction),
    change: first((f) => f.change),
    improvement: first((f) => f.improvement),
    beneficiaries: unique(present.flatMap((f) => (Array.isArray(f.beneficiaries) ? f.beneficiaries : []))),
    proof,
  };
}

function scoreOf(c: Contribution): { score: number; occurredAt: string; key: string } {
  return { score: clampScore(c.score), occurredAt: c.occurredAt, key: c.key };
}

export function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.max(0, Math.min(100, score));
}

function latest(isos: string[]): string {
  let best = isos[0] ?? "";
  for (const iso of isos) if (timeOf(iso) > timeOf(best)) best = iso;
  return best;
}

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

function unique(values: unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string" || v.trim() === "" || seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}
