/**
 * The context one delivery is normalised in: the batch being filled, the
 * delivery, and the accounts and repository every event family records.
 */
import type { DeliveryInput, FactBatch } from "./normalise-delivery.js";
import { bool, MalformedPayloadError, num, obj, str, type Obj } from "./payload-fields.js";

/** GitHub's placeholder for deleted accounts. */
export const GHOST_ID = 10137;

export interface RepoRef {
  id: number;
  owner: string;
  name: string;
  installationId: number | null;
}

export class Ctx {
  private seenPeople = new Set<number>();
  constructor(
    readonly b: FactBatch,
    readonly d: DeliveryInput,
    private p: Obj,
  ) {}

  /** Records a GitHub account and returns its id (null when the account is missing). */
  person(v: unknown): number | null {
    const u = obj(v);
    if (!u) return null;
    const id = num(u.id);
    const login = str(u.login);
    if (id === null || login === null) return null;
    if (!this.seenPeople.has(id)) {
      this.seenPeople.add(id);
      const type = str(u.type) ?? "User";
      this.b.people.push({
        id,
        login,
        type,
        isBot: type === "Bot" || login.endsWith("[bot]"),
        isGhost: id === GHOST_ID || login === "ghost",
        name: str(u.name),
      });
    }
    return id;
  }

  repository(v: unknown, installationId: number | null): RepoRef | null {
    const r = obj(v);
    if (!r) return null;
    const id = num(r.id);
    const fullName = str(r.full_name);
    const name = str(r.name);
    if (id === null || !fullName || !name) throw new MalformedPayloadError("repository has no id, name or full_name");
    const owner = str(obj(r.owner)?.login) ?? fullName.split("/")[0] ?? "";
    this.person(r.owner);
    this.b.repositories.push({
      id,
      installationId,
      ownerLogin: owner,
      name,
      fullName,
      // Unknown visibility is treated as private: never leak by default.
      private: r.private === false ? false : true,
      defaultBranch: str(r.default_branch) ?? str(r.master_branch) ?? "main",
      htmlUrl: str(r.html_url) ?? `https://github.com/${fullName}`,
      archived: bool(r.archived),
      removedAt: null,
    });
    return { id, owner, name, installationId };
  }

  readonly pendingEmailLogins: { email: string; login: string }[] = [];
}
