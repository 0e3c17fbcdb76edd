/** The public shapes of the sample organisation (re-exported by generate-sample-org.ts). */

/** One recorded webhook delivery, as GitHub would POST it (X-GitHub-Delivery, X-GitHub-Event, body). */
export interface SampleDelivery {
  id: string;
  event: string;
  payload: Record<string, unknown>;
}

/** One recorded API response that stands in for GitHub when the worker fetches details. */
export interface Recording {
  method: "GET" | "POST";
  path: string;
  /** GraphQL variables (POST /graphql only). */
  variables?: Record<string, unknown>;
  status: number;
  body: unknown;
}

export interface SampleOrg {
  org: string;
  installationId: number;
  /** Human engineers' logins (bots excluded). */
  engineers: string[];
  repositories: { fullName: string; private: boolean }[];
  /** In the order GitHub would send them. */
  deliveries: SampleDelivery[];
  recordings: Recording[];
  /** What a reader should find in the reports: who did which glue work, with links. */
  story: string[];
}
