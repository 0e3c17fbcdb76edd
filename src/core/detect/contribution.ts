/**
 * Helpers to build Contributions from fact bundles: common subject fields,
 * proof links, and the per-bundle derived values several detectors share.
 */
import type { Contribution, ContributionKind, EvidenceFormula, GlueDynamics, PersonRef, ProofItem } from "../model.js";
import type { PullRequestBundle, RepositoryFact } from "../facts.js";
import { DETECTOR_VERSIONS, type DetectorName } from "./config.js";

export interface SubjectFields {
  repositoryId: number;
  repositoryFullName: string;
  repositoryPrivate: boolean;
  subjectType: string;
  subjectId: string;
  subjectTitle: string;
  subjectUrl: string;
}

export function repoFields(repo: RepositoryFact): Pick<SubjectFields, "repositoryId" | "repositoryFullName" | "repositoryPrivate"> {
  return { repositoryId: repo.id, repositoryFullName: repo.fullName, repositoryPrivate: repo.private };
}

export function pullRequestSubject(bundle: PullRequestBundle): SubjectFields {
  const pr = bundle.pullRequest;
  return {
    ...repoFields(bundle.repository),
    subjectType: "pull_request",
    subjectId: String(pr.id),
    subjectTitle: pr.title,
    subjectUrl: pr.htmlUrl,
  };
}

export interface ContributionParts {
  key: string;
  kind: ContributionKind;
  person: PersonRef & { id: number };
  subject: SubjectFields;
  occurredAt: string;
  score: number;
  confidence: number;
  level: string | null;
  dynamics: GlueDynamics;
  evidence: string[];
  formula: EvidenceFormula;
  detail: Record<string, unknown>;
  detector: DetectorName;
}

export function contribution(p: ContributionParts): Contribution {
  return {
    key: p.key,
    kind: p.kind,
    personId: p.person.id,
    personLogin: p.person.login,
    ...p.subject,
    occurredAt: p.occurredAt,
    score: Math.max(0, Math.min(100, Math.round(p.score))),
    confidence: Math.max(0, Math.min(1, Math.round(p.confidence * 100) / 100)),
    level: p.level,
    dynamics: p.dynamics,
    evidence: p.evidence,
    formula: p.formula,
    detail: p.detail,
    detector: p.detector,
    detectorVersion: DETECTOR_VERSIONS[p.detector],
  };
}

/** A person we can attribute work to: known id. Ghost accounts (id null) get nothing. */
export function identified(person: PersonRef | null | undefined): (PersonRef & { id: number }) | null {
  if (!person || typeof person.id !== "number") return null;
  return person as PersonRef & { id: number };
}

export function prLabel(bundle: PullRequestBundle): string {
  return `PR #${bundle.pullRequest.number}`;
}

export function prProof(bundle: PullRequestBundle): ProofItem {
  const pr = bundle.pullRequest;
  return { label: `${bundle.repository.fullName}#${pr.number}: ${pr.title}`, url: pr.htmlUrl };
}

export function issueUrl(repo: RepositoryFact, number: number): string {
  return `${repo.htmlUrl.replace(/\/$/, "")}/issues/${number}`;
}

export function commitUrl(repo: RepositoryFact, sha: string): string {
  return `${repo.htmlUrl.replace(/\/$/, "")}/commit/${sha}`;
}

/** The later of two ISO instants (strings compare correctly when both are ISO 8601 UTC). */
export function later(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
