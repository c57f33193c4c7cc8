// Types of prerequisites.js (plain CommonJS: it runs before npm ci and from the .mjs launchers).
export type Purpose = 'start' | 'test';
export interface Prerequisite {
  name: string;
  package: string;
  probe: { binary?: string; library?: string };
  for: Purpose[];
  why: string;
}
export interface MachineState {
  present: Record<string, boolean>;
  isRoot: boolean;
  hasAptGet: boolean;
}
export type Plan =
  | { action: 'none' }
  | { action: 'install'; packages: string[]; command: string[]; message: string }
  | { action: 'fail'; packages: string[]; message: string; exitCode: number };
export const PREREQUISITES: Prerequisite[];
export function planPrerequisites(state: MachineState, purpose: Purpose): Plan;
export function probeState(): MachineState;
export interface PrerequisiteIo {
  probe?: () => MachineState;
  run?: (command: string[]) => void;
  log?: (line: string) => void;
  warn?: (line: string) => void;
  exit?: (code: number) => void;
}
export function ensurePrerequisites(purpose: Purpose, io?: PrerequisiteIo): void;
