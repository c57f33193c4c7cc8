// Blind corpus rows the validator does not yet decide as their author expected (issue 15).
// Each is a Jest test.failing: when a fix makes one pass, its test fails until the id is removed
// here. None is left: the last one, `cp .env.example .env`, is allowed since the secret-read rule
// looks at what a command reads (`reads`), not at a copy's destination.
export const BLIND_KNOWN_FAILING: ReadonlySet<string> = new Set<string>([]);
