/**
 * Which repositories a report covers, in words.
 */
import type { ReportCoverage } from "./report-model.js";
import type { CoveredRepository } from "./select-covered.js";

/** `note`: a sentence to add (e.g. private repositories whose access could not be checked). */
export function describeCoverage(repositories: readonly CoveredRepository[], note: string | null = null): ReportCoverage {
  const seen = new Map<string, CoveredRepository>();
  for (const r of repositories) {
    if (typeof r?.fullName !== "string" || r.fullName.trim() === "") continue;
    const name = r.fullName.trim();
    const prior = seen.get(name.toLowerCase());
    // Listed twice with different visibility: report the stricter (public) reading, as coverage does.
    seen.set(name.toLowerCase(), { fullName: name, private: (prior?.private ?? true) && r.private === true });
  }
  const list = [...seen.values()].sort((a, b) => a.fullName.toLowerCase().localeCompare(b.fullName.toLowerCase(), "en"));
  const privateCount = list.filter((r) => r.private).length;
  const publicCount = list.length - privateCount;
  const base =
    list.length === 0
      ? "This report covers no repositories, so it can show only off-GitHub log entries."
      : `This report covers ${list.length} ${list.length === 1 ? "repository" : "repositories"}` +
        (privateCount > 0 ? ` (${privateCount} private)` : "") +
        ". Work in any other repository is left out.";
  const description = note ? `${base} ${note}` : base;
  return { repositories: list, publicCount, privateCount, description, note };
}
