// Blind corpus rows the validator does not yet decide as their author expected (issue 15).
// Each is a Jest test.failing: when a fix makes one pass, its test fails until the id is removed
// here. None is left: the last two (xargs input from a decoded pipe, the {} of xargs -I inside
// `sh -c`) are denied since the normaliser reads statically known xargs input and judges the
// known part of a partly known script.
export const BLIND_KNOWN_FAILING: ReadonlySet<string> = new Set<string>([
  // `cp .env.example .env`: the name-based credential rule matches the copy's destination as if it were read.
  'round2-harmless-100',
]);
