import { natsServers } from './nats-servers';

describe('natsServers', () => {
  it('splits a comma-separated NATS_URL (a cluster) into the servers the client takes', () => {
    expect(natsServers('nats://nats-0:4222, nats://nats-1:4222,nats://nats-2:4222')).toEqual(['nats://nats-0:4222', 'nats://nats-1:4222', 'nats://nats-2:4222']);
    expect(natsServers('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
    expect(natsServers(['nats://a:1,nats://b:2', 'nats://c:3'])).toEqual(['nats://a:1', 'nats://b:2', 'nats://c:3']);
  });
});
