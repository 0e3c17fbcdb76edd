/**
 * Who may corroborate: an endorsement counts as a teammate's only when its author has a
 * relationship to the repository where it was written — GitHub's `author_association` on the
 * comment is OWNER, MEMBER, COLLABORATOR or CONTRIBUTOR. Anyone else who can comment on a public
 * repository (NONE, FIRST_TIMER, FIRST_TIME_CONTRIBUTOR, MANNEQUIN, or unknown) is "outside": their
 * endorsement is kept in the database, marked so, and never shown as corroboration — reports leave
 * it out altogether.
 */
import type { Annotation } from "../model.js";

export const TEAMMATE_ASSOCIATIONS: ReadonlySet<string> = new Set(["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR"]);

/** "teammate" or "outside", from GitHub's author_association (unknown is outside: fail closed). */
export function endorserRelationship(authorAssociation: string | null | undefined): "teammate" | "outside" {
  return typeof authorAssociation === "string" && TEAMMATE_ASSOCIATIONS.has(authorAssociation.toUpperCase()) ? "teammate" : "outside";
}

/** Whether a report may show this annotation: everything but endorsements from outside. */
export function isShownAnnotation(a: Pick<Annotation, "kind" | "authorAssociation">): boolean {
  return a.kind !== "endorse" || endorserRelationship(a.authorAssociation) === "teammate";
}
