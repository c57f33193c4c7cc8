import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { FOLLOWED_CHANNELS } from '@lighthouse/contracts';
import { MemoryTier, PatternModel, loadDefaultPolicy, loadPolicyFile } from '@lighthouse/policy';
import type { Logger, ServiceMetrics } from '@lighthouse/observability';
import type { FollowerSnapshotConfig } from '@lighthouse/config';
import { CompositeSnapshot } from '@lighthouse/snapshots';
import { EventStoreClient, SnapshottedFollower, snapshotSettings, type NatsBus } from '@lighthouse/transport';
import type { Redis } from 'ioredis';
import type { SpeedLayerConfig } from '../speed-layer.config';
import { RequestKeyCache } from './decision-cache';
import { DecisionJournal } from './decision-journal';
import { ExpertEscalation } from './expert-escalation';
import { LiveExperts } from './live-experts';
import { trainFrom } from './pattern-trainer';
import { SharedDecisionCache } from './shared-decision.cache';
import { ValidationController } from './validation.controller';
import { ValidationService } from './validation.service';
import { ReservationGuard } from './reservation-guard';

/** The snapshot key of the speed layer's follower; its state's layout version. */
export const SPEED_FOLLOWER_KIND = 'speed-layer';
const STATE_VERSION = 1;

export interface ValidationDeps {
  config: SpeedLayerConfig & Partial<FollowerSnapshotConfig>;
  bus: NatsBus;
  redis: Redis;
  logger: Logger;
  metrics?: ServiceMetrics;
}

@Module({})
export class ValidationModule {
  /**
   * Loads the policy (a bad policy stops the boot), loads the model, experts and reservations from
   * the last snapshot and replays the decisions after it, opens the journal.
   */
  static async register({ config, bus, redis, logger, metrics }: ValidationDeps): Promise<DynamicModule> {
    const policy = config.LH_SPEED_POLICY_FILE ? loadPolicyFile(config.LH_SPEED_POLICY_FILE) : loadDefaultPolicy();
    const store = new EventStoreClient(bus);
    await store.waitUntilReady();
    const liveExperts = new LiveExperts(config.LH_SPEED_UNSERVED_COOLDOWN_MS);
    const pattern = new PatternModel({ threshold: config.LH_SPEED_PATTERN_THRESHOLD, priorSupport: config.LH_SPEED_PATTERN_PRIOR_SUPPORT });
    const reservations = new ReservationGuard({
      workspaceRoot: config.LH_SPEED_WORKSPACE_ROOT,
      homeDir: config.LH_SPEED_HOME_DIR,
      environment: config.LH_SPEED_ENVIRONMENT,
      strict: config.LH_RESERVATIONS_STRICT,
      cacheEntries: config.LH_SPEED_MEMORY_ENTRIES,
    });
    const follower = new SnapshottedFollower(bus, store, {
      kind: SPEED_FOLLOWER_KIND,
      projection: new CompositeSnapshot(STATE_VERSION, {
        pattern: { snapshot: () => pattern.toJSON(), restore: (state) => pattern.restoreCounts(state) },
        experts: liveExperts,
        reservations: reservations.book,
      }),
      ...(await snapshotSettings(bus.streams, config)),
      metrics,
      onSnapshot: (outcome) => ('error' in outcome ? logger.warn({ err: outcome.error }, 'writing a snapshot failed; trying again later') : logger.debug(outcome, 'snapshot written')),
      channels: FOLLOWED_CHANNELS['speed-layer'],
      onEvent: (event) => {
        trainFrom(pattern, event);
        liveExperts.onEvent(event);
        reservations.onEvent(event);
      },
      onError: (error) => logger.warn({ err: error }, 'following the event store failed; catching up again shortly'),
    });
    const startup = await follower.start();
    if (startup.refused) logger.error({ follower: SPEED_FOLLOWER_KIND, refused: startup.refused, reason: startup.reason }, 'refused the stored snapshot (its MAC does not check, it may be forged): replaying the log from sequence 1');
    logger.info({ follower: SPEED_FOLLOWER_KIND, ...startup }, startup.snapshotSequence === null ? 'caught up from the start of the log' : 'caught up from a snapshot');
    const journal = await DecisionJournal.open(bus, store, logger);
    journal.start();
    const escalation = new ExpertEscalation(bus, {
      timeoutMs: config.LH_SPEED_ESCALATION_TIMEOUT_MS,
      failureRatio: config.LH_SPEED_BREAKER_FAILURE_RATIO,
      windowSize: config.LH_SPEED_BREAKER_WINDOW,
      minimumCalls: config.LH_SPEED_BREAKER_MIN_CALLS,
      halfOpenAfterMs: config.LH_SPEED_BREAKER_HALF_OPEN_MS,
    });
    escalation.onUnclaimed = (role) => liveExperts.markUnserved(role);
    const service = new ValidationService({
      config,
      policy,
      pattern,
      journal,
      metrics,
      memory: new MemoryTier({ max: config.LH_SPEED_MEMORY_ENTRIES, namespace: `${policy.digest}:` }),
      requestKeys: new RequestKeyCache(config.LH_SPEED_MEMORY_ENTRIES),
      shared: new SharedDecisionCache(redis, config.LH_REDIS_PREFIX, policy.digest, config.LH_SPEED_SHARED_TTL_S),
      escalation,
      liveExperts,
      reservations,
    });
    logger.info({ policy: policy.digest, rules: policy.rules.length }, 'policy loaded');
    return {
      module: ValidationModule,
      controllers: [ValidationController],
      providers: [{ provide: ValidationService, useValue: service }, { provide: SnapshottedFollower, useValue: follower }, { provide: 'VALIDATION_CLOSER', useValue: new Closer(follower, journal, bus, redis) }],
      exports: [ValidationService],
    };
  }
}

class Closer implements OnApplicationShutdown {
  constructor(
    private readonly follower: SnapshottedFollower,
    private readonly journal: DecisionJournal,
    private readonly bus: NatsBus,
    private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.follower.stop();
    await this.journal.stop();
    await this.bus.close().catch(() => undefined);
    this.redis.disconnect();
  }
}
