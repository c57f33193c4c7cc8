import { writeNatsAuthConf } from './nats-auth';

// argv[2]: the repository root (nats-auth.mjs passes it).
const changed = writeNatsAuthConf(process.argv[2] as string);
console.log(changed.length ? `rewrote ${changed.join(', ')}` : 'the NATS users are up to date');
