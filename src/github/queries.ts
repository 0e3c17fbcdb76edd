/**
 * The GraphQL queries the worker sends. One query per pull request replaces a
 * REST call per review, per thread and per commit page.
 */

/** Files, commits, and review threads (resolved / outdated) of one pull request. */
export const PULL_REQUEST_DETAILS = /* GraphQL */ `
  query PullRequestDetails($owner: String!, $name: String!, $number: Int!, $threads: String, $commits: String) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        reviewThreads(first: 100, after: $threads) {
          pageInfo { hasNextPage endCursor }
          nodes {
            id
            isResolved
            isOutdated
            path
            resolvedBy { login }
            comments(first: 50) { nodes { databaseId } }
          }
        }
        commits(first: 100, after: $commits) {
          pageInfo { hasNextPage endCursor }
          nodes {
            commit {
              oid
              message
              authoredDate
              author { name email user { databaseId login } }
            }
          }
        }
      }
    }
  }
`;
