import type { Kysely } from 'kysely';
import type { DB } from './db/schema.js';
import type { ConfigCache } from './config/cache.js';
import type { Dispatcher } from './routing/dispatcher.js';
import type { StreamHub } from './stream/hub.js';
import type { Metrics } from './observability/metrics.js';
import type { WebhookWorker } from './webhooks/worker.js';
import type { NotificationWorker } from './notifications/worker.js';
import type { ClockService } from './clocks/service.js';
import type { TaskExpiry } from './tasks/expiry.js';
import type { ReportRollup } from './reports/rollup.js';
import type { MailIntake } from './mail-in/intake.js';
import type { OverdueWatch } from './tasks/overdue.js';
import type { CallingHours } from './callback/hours.js';
import type { CampaignEnds } from './campaigns/ends.js';
import type { SsoClient } from './auth/sso/client.js';
import type { ChatRooms } from './chat/live.js';
import type { WaitEstimates } from './reports/wait-estimate.js';
import type { QualityPlanner } from './quality/planner.js';
import type { EngagementModels } from './engagement/models.js';
import type { IdleBotChats } from './chat/idle.js';
import type { ConversationAnalyzer } from './analytics/analyzer.js';
import type { AdherenceWatch } from './workforce/watch.js';

/** What route modules get: the database and the long-lived in-memory parts. */
export interface Services {
  db: Kysely<DB>;
  /** The single sign-on relying party (null: password sign-in only). */
  sso: SsoClient | null;
  config: ConfigCache;
  dispatcher: Dispatcher;
  hub: StreamHub;
  metrics: Metrics;
  /** Sends webhook deliveries; routes kick it after writes. */
  webhooks: WebhookWorker;
  /** Expands case events into notifications and sends them; routes kick it after writes. */
  notifications: NotificationWorker;
  /** SLA/OLA timers of cases (warning, breach, escalation); `now()` is the time case clocks use. */
  clocks: ClockService;
  /** Cancels tasks nobody took by their `expiresAt`. */
  expiry: TaskExpiry;
  /** Adds events up per hour for the historical reports, in the background. */
  reports: ReportRollup;
  /** Tells of work in hand past its due time. */
  overdue: OverdueWatch;
  callingHours: CallingHours;
  campaignEnds: CampaignEnds;
  /** Inbound e-mail: the SMTP listener (when configured) and the worker that turns messages into work. */
  mailIn: MailIntake;
  /** Web chat: the visitors' live pages and the pushes to both sides. */
  chats: ChatRooms;
  /** The usual wait per queue (last hour, read once a minute), for the public pages. */
  waits: WaitEstimates;
  /** Samples finished work for evaluation (quality management), in the background. */
  quality: QualityPlanner;
  /** Predictive engagement's outcome models, learned from past visits in the background. */
  engagementModels: EngagementModels;
  /** Ends chats left with a bot (no task, no line for half an hour). */
  idleChats: IdleBotChats;
  /** Reads each finished conversation once (topics, compliance, sentiment), in the background. */
  analyzer: ConversationAnalyzer;
  adherence: AdherenceWatch;
}
