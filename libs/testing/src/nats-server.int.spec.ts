import { natsAnswers, startNats } from './nats-server';

describe('a private nats-server of the test kit', () => {
  it('is told apart from another server on the same port: only the server it started counts as answering', async () => {
    // Given two private servers (two suites side by side)
    const [one, two] = await Promise.all([startNats(), startNats()]);
    try {
      // Then each answers, on its own port, and a server expected by another name does not count
      expect(one.url).not.toBe(two.url);
      expect(await natsAnswers(one.url)).toBe(true);
      expect(await natsAnswers(one.url, undefined, 'some-other-suites-server')).toBe(false);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  }, 30_000);
});
