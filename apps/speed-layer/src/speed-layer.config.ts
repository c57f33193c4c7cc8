import { z } from 'zod';

export const speedLayerConfigShape = {
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  LH_REDIS_PREFIX: z.string().min(1).max(64).default('lh:'),
  /** A policy file (YAML); the shipped default policy when unset. */
  LH_SPEED_POLICY_FILE: z.string().min(1).optional(),
  /** Where relative paths of agents without a cwd resolve, and what `~` is. */
  LH_SPEED_WORKSPACE_ROOT: z.string().startsWith('/').default('/workspace'),
  LH_SPEED_HOME_DIR: z.string().startsWith('/').default('/home/agent'),
  /** `local`, `pod`, …: rules may differ by environment. */
  LH_SPEED_ENVIRONMENT: z.string().min(1).max(64).default('local'),
  LH_SPEED_MEMORY_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  LH_SPEED_PATTERN_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.8),
  /**
   * Evidence the pattern model needs before its confidence can reach the threshold. Small
   * values let one expert ruling on `git reset --hard` settle `git clean -fdx` (seen in a test):
   * an escalation should be settled by a pattern, not by an anecdote.
   */
  LH_SPEED_PATTERN_PRIOR_SUPPORT: z.coerce.number().min(0).max(10_000).default(25),
  LH_SPEED_ESCALATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** After an escalation timed out with no expert taking it, the role's escalations go straight to the console for this long (or until an expert registers). */
  LH_SPEED_UNSERVED_COOLDOWN_MS: z.coerce.number().int().min(0).max(24 * 3600_000).default(300_000),
  /** Role asked when a rule escalates without naming one. */
  LH_SPEED_DEFAULT_EXPERT_ROLE: z.string().min(1).max(64).default('security_architect'),
  LH_SPEED_BREAKER_FAILURE_RATIO: z.coerce.number().min(0.01).max(1).default(0.5),
  LH_SPEED_BREAKER_WINDOW: z.coerce.number().int().min(1).max(1000).default(10),
  LH_SPEED_BREAKER_MIN_CALLS: z.coerce.number().int().min(1).max(1000).default(3),
  LH_SPEED_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** Strict reservations: an agent holding nothing on a path may not change it while anyone holds it (shared too). */
  LH_RESERVATIONS_STRICT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  LH_SPEED_SHARED_TTL_S: z.coerce.number().int().min(1).max(30 * 24 * 3600).default(24 * 3600),
};

export type SpeedLayerConfig = z.infer<z.ZodObject<typeof speedLayerConfigShape>>;
