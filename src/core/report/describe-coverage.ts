/**
 * Which repositories a report covers, in words.
 */
import type { ReportCoverage } from "./report-model.js";
import type { CoveredRepository } from "./select-covered.js";

export function describeCoverage(repositories: readonly CoveredRepository[]): ReportCoverage {
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
  const description =
    list.length === 0
      ? "This report covers no repositories, so it can show only off-GitHub log entries."
      : `This report covers ${list.length} ${list.length === 1 ? "repository" : "repositories"}` +
        (privateCount > 0 ? ` (${privateCount} private)` : "") +
        ". Work in any other repository is left out.";
  return { repositories: list, publicCount, privateCount, description };
}
