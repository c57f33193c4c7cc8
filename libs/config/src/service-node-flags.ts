/**
 * V8 flags every service process starts with (the stack kit behind `npm start`, the e2e suites
 * and the benches, and the image's entry point; `tools/deploy/dockerfile.spec.ts` checks the
 * image). Only start-up flags belong here: the heap's limits are fixed when V8 sets it up.
 *
 * `--max-semi-space-size=32`: a young generation of up to 2 x 32 MB instead of V8's 2 x 16 MB. The
 * services allocate per request (a cold policy decision about 130 KB, most of it the shell
 * parser's), so with 16 MB a scavenge came every hundred-odd decisions and the slowest 1 % of
 * them were the ones that paid for it: the policy tier's p99 on cold 200-character commands was
 * 1.3–3.6 ms with 16 MB and 0.5–0.7 ms with 32 MB (p50 unchanged; issue 15). A scavenge costs
 * what survives it, not the space's size, so larger spaces collect as fast, less often; the price
 * is up to 32 MB more resident memory per service when it is busy.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
