/**
 * Annotations people add to their record: notes, claims, logged work,
 * endorsements of a teammate and disputes, pointing at their last review
 * contribution where there is one.
 */
import type { Engineer } from "./scale-plan.js";
import type { ScaleRun } from "./scale-run.js";
import { ISO } from "./scale-shared.js";

/** One annotation by `e` in the month. */
export function annotate(run: ScaleRun, e: Engineer, monthStart: number, monthLen: number): void {
  const { rng, emit, byTeam, lastReviewKey } = run;
  const kind = rng.weighted([["note", 35], ["claim", 20], ["log", 25], ["endorse", 15], ["dispute", 5]] as const);
  const at = ISO(monthStart + Math.floor(rng.next() * monthLen));
  const last = lastReviewKey.get(e.id);
  const mate = rng.pick(byTeam[e.team]!);
  const subject = kind === "endorse" && mate !== e ? mate : e;
  const id = `scale-${++run.annotationSeq}`;
  const text =
    kind === "note"
      ? "Context: this review took two rounds because the migration plan changed mid-way."
      : kind === "claim"
        ? "I paired on this with the author for most of a day; the trailer is missing."
        : kind === "log"
          ? rng.pick(["Ran the incident retro for the payments outage.", "Weekly pairing with the new joiners.", "Interviewed 3 candidates for the platform team.", "On-call week: 4 pages, 2 fixed at the root."])
          : kind === "endorse"
            ? `@${subject.login} unblocked our release by digging into the flaky test for a day.`
            : "This was a rubber stamp on my side; I did not really review it.";
  const repo = last?.repo ?? null;
  emit("annotations", [
    id, kind, e.id, e.login, subject.id, subject.login, kind === "log" || !last ? null : last.key, kind === "log" || !last ? null : last.url, text,
    repo ? `${repo.htmlUrl}/issues/1#issuecomment-${run.annotationSeq}` : null, repo?.id ?? null, repo?.fullName ?? null, repo?.private ?? true, at, null,
  ]);
}
