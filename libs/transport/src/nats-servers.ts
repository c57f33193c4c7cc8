/**
 * The server list of a NATS_URL: `nats://a:4222,nats://b:4222` names a cluster (the prod overlay
 * sets one), and the nats client takes a comma-separated string as one malformed URL.
 */
export function natsServers(servers: string | readonly string[]): string[] {
  const list = typeof servers === 'string' ? [servers] : [...servers];
  return list.flatMap((entry) => entry.split(',')).map((url) => url.trim()).filter((url) => url.length > 0);
}
