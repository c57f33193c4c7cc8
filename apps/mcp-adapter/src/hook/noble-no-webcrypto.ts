/**
 * Stands in for @noble/hashes' `crypto` module in the adapter's bundles (tools/build/build.mjs).
 * On Node that module loads node:crypto as soon as the hashes are imported, only to offer
 * `randomBytes`, which the hook never calls (its nonce comes from the kernel's CSPRNG, see
 * hook-sign.ts); loading it would cost every hook start what using @noble/hashes saves. Should
 * anything call noble's `randomBytes`, it throws ("crypto.getRandomValues must be defined"):
 * nothing is ever made from weak randomness.
 */
export const crypto: undefined = undefined;
