import { createLogger } from './logger';
import { ServiceMetrics } from './metrics';
import { guardProcess } from './process-guard';

describe('process guard', () => {
  it('given a guarded process, when a promise rejection goes unhandled, then it is counted and the process lives on', async () => {
    // given
    const before = process.listeners('unhandledRejection');
    const metrics = new ServiceMetrics('guard-test', false);
    guardProcess(createLogger('guard-test', 'silent'), metrics);
    const added = process.listeners('unhandledRejection').filter((listener) => !before.includes(listener));
    try {
      // when
      // (emitted as Node does: Jest keeps real unhandled rejections to itself)
      process.emit('unhandledRejection', new Error('nobody catches this'), Promise.resolve());
      // then
      expect(await metrics.render()).toMatch(/^lh_unhandled_rejections_total\{service="guard-test"\} 1$/m);
    } finally {
      for (const listener of added) process.off('unhandledRejection', listener);
    }
  });
});
