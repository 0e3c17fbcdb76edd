/**
 * The people, bots and repositories of the fictional sample organisation.
 * Ids are fixed (not seeded) so that a person is the same account in every
 * generated sample.
 */

export const ORG = { login: "acme-robotics", id: 91_452_307, name: "Acme Robotics" } as const;
export const INSTALLATION_ID = 61_873_204;
export const APP_ID = 1_204_877;

export interface Person {
  login: string;
  id: number;
  name: string;
  type: "User" | "Bot";
  /** When the person became an organisation member (ISO date). Undefined: before the sample starts. */
  memberSince?: string;
  /** When the person's first activity happens (newcomers). */
  joinedAt?: string;
}

function human(login: string, id: number, name: string, extra: Partial<Person> = {}): Person {
  return { login, id, name, type: "User", ...extra };
}
function bot(login: string, id: number, name: string): Person {
  return { login, id, name, type: "Bot" };
}

/** Engineers. */
export const P = {
  maya: human("maya-okafor", 48_213_904, "Maya Okafor"),
  dev: human("devraj-patel", 31_907_551, "Devraj Patel"),
  lena: human("lena-fischer", 27_118_640, "Lena Fischer"),
  tomas: human("tomas-herrera", 66_402_118, "Tomás Herrera"),
  kwame: human("kwame-asante", 59_330_272, "Kwame Asante"),
  sofia: human("sofia-lindqvist", 52_784_019, "Sofia Lindqvist"),
  jonah: human("jonah-whitfield", 44_561_837, "Jonah Whitfield"),
  aiko: human("aiko-tanaka", 38_092_765, "Aiko Tanaka"),
  rafael: human("rafael-moreno", 35_649_120, "Rafael Moreno"),
  hannah: human("hannah-becker", 70_215_463, "Hannah Becker"),
  oliver: human("oliver-grant", 62_870_394, "Oliver Grant"),
  priya: human("priya-raman", 57_136_208, "Priya Raman"),
  marcus: human("marcus-reed", 24_508_771, "Marcus Reed"),
  nadia: human("nadia-rahman", 181_224_905, "Nadia Rahman", {
    joinedAt: "2026-08-04T09:00:00Z",
    memberSince: "2026-09-15T00:00:00Z",
  }),
  ben: human("ben-carter", 183_907_416, "Ben Carter", {
    joinedAt: "2026-08-18T09:00:00Z",
    memberSince: "2026-09-15T00:00:00Z",
  }),
} as const satisfies Record<string, Person>;

export type PersonKey = keyof typeof P;

export const ENGINEERS: readonly Person[] = Object.values(P);

export const BOTS = {
  dependabot: bot("dependabot[bot]", 49_699_333, "dependabot[bot]"),
  actions: bot("github-actions[bot]", 41_898_282, "github-actions[bot]"),
  copilot: bot("copilot-pull-request-reviewer[bot]", 175_728_472, "Copilot"),
  coderabbit: bot("coderabbitai[bot]", 136_622_811, "coderabbitai[bot]"),
} as const satisfies Record<string, Person>;

/** The GitHub noreply address GitHub uses in commits and Co-authored-by trailers. */
export function noreplyEmail(person: Person): string {
  return `${person.id}+${person.login}@users.noreply.github.com`;
}

/** Teams (also written into the sample `.github/unsung.yml`). */
export const TEAMS = {
  platform: [P.dev, P.lena, P.oliver, P.hannah, P.jonah, P.kwame, P.nadia, P.ben],
  console: [P.aiko, P.sofia, P.tomas, P.hannah],
  payments: [P.maya, P.priya, P.rafael, P.marcus],
} as const;

export type RepoKey = "fleet" | "console" | "payments" | "docs";

export interface RepoInfo {
  key: RepoKey;
  name: string;
  id: number;
  private: boolean;
  description: string;
  language: string;
  createdAt: string;
  /** PR/issue numbers continue from the repository's earlier history. */
  firstNumber: number;
  /** Who usually reviews and merges here. */
  team: readonly Person[];
  /** Typical CI duration in minutes (min, max). */
  ciMinutes: readonly [number, number];
}

export const REPOS: Record<RepoKey, RepoInfo> = {
  fleet: {
    key: "fleet",
    name: "fleet-api",
    id: 604_118_273,
    private: false,
    description: "Fleet management API for Acme warehouse robots: robots, missions, telemetry, firmware.",
    language: "TypeScript",
    createdAt: "2023-02-14T10:22:31Z",
    firstNumber: 1184,
    team: [P.dev, P.lena, P.oliver, P.hannah, P.jonah, P.kwame],
    ciMinutes: [6, 9],
  },
  console: {
    key: "console",
    name: "web-console",
    id: 611_530_948,
    private: false,
    description: "Operator console (React) for fleet supervision, checkout and billing.",
    language: "TypeScript",
    createdAt: "2023-03-02T08:11:05Z",
    firstNumber: 652,
    team: [P.aiko, P.sofia, P.tomas, P.hannah, P.kwame],
    ciMinutes: [4, 7],
  },
  payments: {
    key: "payments",
    name: "payments-core",
    id: 598_772_051,
    private: true,
    description: "Payments, refunds, payouts and the double-entry ledger.",
    language: "TypeScript",
    createdAt: "2022-11-21T13:40:12Z",
    firstNumber: 407,
    team: [P.maya, P.priya, P.rafael],
    ciMinutes: [5, 8],
  },
  docs: {
    key: "docs",
    name: "docs",
    id: 622_904_316,
    private: false,
    description: "Public developer documentation and migration guides.",
    language: "MDX",
    createdAt: "2023-06-07T15:02:44Z",
    firstNumber: 88,
    team: [P.aiko, P.lena, P.dev],
    ciMinutes: [2, 3],
  },
};

export const REPO_LIST: readonly RepoInfo[] = [REPOS.fleet, REPOS.console, REPOS.payments, REPOS.docs];

export function fullName(repo: RepoInfo): string {
  return `${ORG.login}/${repo.name}`;
}
