import type { RowSpec } from './report.js';

/** How big each scenario is. `smoke` for the test, `standard` by default, `full` = the sizes. */
export interface Sizes {
  preset: 'smoke' | 'standard' | 'full';
  captureSeconds: number;
  warmupSeconds: number;
  captureConnections: number;
  bulkSeconds: number;
  bulkConnections: number;
  bulkSize: number;
  dispatchTasks: number;
  dispatchAgents: number;
  dispatchQueues: number;
  dispatchSkills: number;
  dispatchCapacity: number;
  /** Dispatch is measured until every task is assigned or this many seconds pass (the same bound for pg-boss). */
  dispatchSeconds: number;
  offerRate: number;
  offerSeconds: number;
  offerAgents: number;
  offerCapacity: number;
  scaleTasks: number;
  scaleAgents: number;
  scaleSkills: number;
  scaleQueues: number;
  scaleCapacity: number;
  scaleProbes: number;
  embeddedSeconds: number;
  embeddedDispatchTasks: number;
  embeddedAgents: number;
  /** reports: events of history written into the database, over this many days; requests per report. */
  reportEvents: number;
  reportDays: number;
  reportRequests: number;
  /** timers: SLA/OLA clocks in the database, and how many of them fall due within one second. */
  timerClocks: number;
  timerDue: number;
  /** webhooks: tasks captured (each makes a delivery per event) for one subscription to every event. */
  webhookTasks: number;
  /** notifications: cases created (each e-mails its customer); how long the second SMTP server holds each answer. */
  notifyCases: number;
  notifyRelayMs: number;
  /** cases: cases through a two-step procedure, and the agents (half advisors, half experts) working them. */
  caseCount: number;
  caseAgents: number;
  /** Upper bound for any one wait inside a scenario (loading, draining, settling). */
  maxWaitSeconds: number;
}

export const SIZES: Record<Sizes['preset'], Sizes> = {
  smoke: {
    preset: 'smoke', captureSeconds: 0.5, warmupSeconds: 0, captureConnections: 10, bulkSeconds: 2, bulkConnections: 2, bulkSize: 500,
    dispatchTasks: 400, dispatchAgents: 20, dispatchQueues: 20, dispatchSkills: 20, dispatchCapacity: 3, dispatchSeconds: 20,
    offerRate: 100, offerSeconds: 0.5, offerAgents: 10, offerCapacity: 3,
    scaleTasks: 1000, scaleAgents: 50, scaleSkills: 200, scaleQueues: 200, scaleCapacity: 2, scaleProbes: 3,
    embeddedSeconds: 0.5, embeddedDispatchTasks: 100, embeddedAgents: 10, maxWaitSeconds: 45,
    reportEvents: 20_000, reportDays: 3, reportRequests: 2,
    timerClocks: 2000, timerDue: 500, webhookTasks: 500, notifyCases: 100, notifyRelayMs: 5, caseCount: 100, caseAgents: 10,
  },
  standard: {
    preset: 'standard', captureSeconds: 10, warmupSeconds: 2, captureConnections: 50, bulkSeconds: 10, bulkConnections: 4, bulkSize: 500,
    dispatchTasks: 20_000, dispatchAgents: 200, dispatchQueues: 20, dispatchSkills: 20, dispatchCapacity: 3, dispatchSeconds: 15,
    offerRate: 2000, offerSeconds: 10, offerAgents: 200, offerCapacity: 3,
    scaleTasks: 100_000, scaleAgents: 2000, scaleSkills: 200, scaleQueues: 200, scaleCapacity: 2, scaleProbes: 20,
    embeddedSeconds: 10, embeddedDispatchTasks: 2000, embeddedAgents: 50, maxWaitSeconds: 120,
    reportEvents: 1_000_000, reportDays: 30, reportRequests: 40,
    timerClocks: 100_000, timerDue: 10_000, webhookTasks: 10_000, notifyCases: 2000, notifyRelayMs: 10, caseCount: 2000, caseAgents: 100,
  },
  full: {
    preset: 'full', captureSeconds: 30, warmupSeconds: 3, captureConnections: 50, bulkSeconds: 30, bulkConnections: 4, bulkSize: 500,
    dispatchTasks: 200_000, dispatchAgents: 1000, dispatchQueues: 20, dispatchSkills: 20, dispatchCapacity: 3, dispatchSeconds: 60,
    offerRate: 2000, offerSeconds: 30, offerAgents: 1000, offerCapacity: 3,
    scaleTasks: 1_000_000, scaleAgents: 10_000, scaleSkills: 200, scaleQueues: 200, scaleCapacity: 2, scaleProbes: 50,
    embeddedSeconds: 30, embeddedDispatchTasks: 20_000, embeddedAgents: 200, maxWaitSeconds: 900,
    reportEvents: 10_000_000, reportDays: 30, reportRequests: 40,
    timerClocks: 1_000_000, timerDue: 100_000, webhookTasks: 50_000, notifyCases: 10_000, notifyRelayMs: 10, caseCount: 10_000, caseAgents: 500,
  },
};

export interface Context {
  sizes: Sizes;
  run: number;
  /** false when PostgreSQL is unreachable: peers cannot run. */
  postgres: boolean;
  cpuProfDir?: string;
  log(line: string): void;
}

export interface RunOutput {
  values: Record<string, number>;
  notes?: string[];
}

export interface Scenario {
  name: string;
  title: string;
  needsPostgres: boolean;
  rows: RowSpec[];
  setup(s: Sizes): string;
  /** Absent: nothing to run (the rows say why). */
  run?(ctx: Context): Promise<RunOutput>;
}
