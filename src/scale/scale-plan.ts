/**
 * The plan of the synthetic organisation: options and defaults, the
 * engineers (names, teams, review styles and load), teams and repositories:
 * everything decided before the first pull request, from its own seeded stream.
 */
import { Random } from "../demo/prng.js";
import { cap, DAY, ISO, ORG_ID, PERSON_BASE, REPO_BASE } from "./scale-shared.js";
import { FIRST_NAMES, LAST_NAMES, REPO_SUFFIXES, REPO_WORDS } from "./texts.js";

export interface ScaleOrgOptions {
  seed?: number;
  engineers?: number;
  months?: number;
  /** First day, UTC (YYYY-MM-DD). Default 2025-10-01: the default year is 2025 Q4 – 2026 Q3. */
  start?: string;
  teamSize?: number;
  /** Mean pull requests an engineer opens per month. Default 10.6 (~60k a year for 500). */
  prsPerEngineerMonth?: number;
}

export const SCALE_DEFAULTS: Required<ScaleOrgOptions> = {
  seed: 1,
  engineers: 500,
  months: 12,
  start: "2025-10-01",
  teamSize: 10,
  prsPerEngineerMonth: 10.6,
};

export interface Engineer {
  index: number;
  id: number;
  login: string;
  name: string;
  team: number;
  /** Month index (0-based) the engineer joined; 0 for everyone there from the start. */
  joinedMonth: number;
  activity: number;
  styleWeights: readonly (readonly [number, number])[];
  reviewWeight: number;
}

export interface Repo {
  id: number;
  name: string;
  fullName: string;
  private: boolean;
  htmlUrl: string;
  /** Owning team, or -1 for a shared repository. */
  team: number;
  next: number;
}

export interface ScaleOrgPlan {
  options: Required<ScaleOrgOptions>;
  org: { id: number; login: string };
  installationId: number;
  engineers: Engineer[];
  teams: { slug: string; members: Engineer[] }[];
  repositories: Repo[];
  /** The .github repository holding the teams configuration. */
  configRepo: Repo;
  bots: { id: number; login: string }[];
  /** Half-open: [from, to). */
  period: { from: string; to: string };
  computedAt: string;
}

const STYLE_PROFILES: readonly (readonly [readonly (readonly [number, number])[], number])[] = [
  // [weights over REVIEW_STYLES indexes], share of engineers
  [[[0, 60], [1, 30], [2, 8], [3, 2]], 12], // rubber-stamper
  [[[0, 8], [1, 77], [2, 12], [3, 3]], 12], // nit-picker
  [[[0, 12], [1, 40], [2, 38], [3, 10]], 60], // balanced
  [[[0, 4], [1, 20], [2, 46], [3, 30]], 16], // deep reviewer
];

function withDefaults(options: ScaleOrgOptions): Required<ScaleOrgOptions> {
  const o = { ...SCALE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<ScaleOrgOptions>;
  if (!Number.isInteger(o.engineers) || o.engineers < 2) throw new Error("engineers must be an integer ≥ 2");
  if (!Number.isInteger(o.months) || o.months < 1 || o.months > 24) throw new Error("months must be an integer from 1 to 24");
  if (!/^\d{4}-\d{2}-01$/.test(o.start)) throw new Error("start must be the first day of a month, YYYY-MM-01");
  return o;
}

/** People, teams and repositories: everything decided before the first pull request. */
export function planScaleOrg(options: ScaleOrgOptions = {}): ScaleOrgPlan {
  const o = withDefaults(options);
  const rng = new Random(o.seed * 7919 + 1);
  const [y, m] = o.start.split("-").map(Number) as [number, number];
  const from = Date.UTC(y, m - 1, 1);
  const to = Date.UTC(y, m - 1 + o.months, 1);
  const org = { id: ORG_ID, login: "scale-org" };

  const taken = new Set<string>();
  const engineers: Engineer[] = [];
  const teamCount = Math.ceil(o.engineers / o.teamSize);
  for (let i = 0; i < o.engineers; i++) {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let login = `${first}-${last}`;
    for (let tries = 0; taken.has(login) && tries < 20; tries++) {
      first = rng.pick(FIRST_NAMES);
      last = rng.pick(LAST_NAMES);
      login = `${first}-${last}`;
    }
    if (taken.has(login)) login = `${first}-${last}-${i}`;
    taken.add(login);
    const profile = rng.weighted(STYLE_PROFILES.map(([w, share]) => [w, share] as const));
    engineers.push({
      index: i,
      id: PERSON_BASE + i + 1,
      login,
      name: `${cap(first)} ${cap(last)}`,
      team: Math.floor(i / o.teamSize),
      joinedMonth: o.months > 2 && rng.chance(0.1) ? rng.int(1, o.months - 1) : 0,
      activity: 0.5 + rng.next(),
      styleWeights: profile,
      reviewWeight: 0,
    });
  }
  const teams = Array.from({ length: teamCount }, (_, t) => ({ slug: `team-${String(t).padStart(3, "0")}`, members: engineers.filter((e) => e.team === t) }));
  // Review load inside a team is skewed (a Zipf-like curve over a shuffled order): some people carry it.
  for (const team of teams) {
    rng.shuffle(team.members).forEach((e, rank) => (e.reviewWeight = 1 / Math.pow(rank + 1, 0.9)));
  }

  const repositories: Repo[] = [];
  const repo = (name: string, team: number, isPrivate: boolean): Repo => {
    const id = REPO_BASE + repositories.length + 1;
    const r = { id, name, fullName: `${org.login}/${name}`, private: isPrivate, htmlUrl: `https://github.com/${org.login}/${name}`, team, next: 0 };
    repositories.push(r);
    return r;
  };
  for (let t = 0; t < teamCount; t++) {
    const word = REPO_WORDS[t % REPO_WORDS.length]!;
    const suffix = REPO_SUFFIXES[Math.floor(t / REPO_WORDS.length) % REPO_SUFFIXES.length]!;
    const round = Math.floor(t / (REPO_WORDS.length * REPO_SUFFIXES.length));
    repo(`${word}-${suffix}${round ? `-${round + 1}` : ""}`, t, rng.chance(0.3));
  }
  const shared = Math.max(1, Math.ceil(teamCount / 10));
  for (let s = 0; s < shared; s++) repo(s === 0 ? "docs" : `platform-${s}`, -1, false);
  const configRepo = repo(".github", -1, false);

  return {
    options: o,
    org,
    installationId: 77_000_001,
    engineers,
    teams,
    repositories,
    configRepo,
    bots: [
      { id: 49_699_333, login: "dependabot[bot]" },
      { id: 41_898_282, login: "github-actions[bot]" },
      { id: 175_728_472, login: "copilot-pull-request-reviewer[bot]" },
    ],
    period: { from: ISO(from), to: ISO(to) },
    computedAt: ISO(to + DAY),
  };
}
