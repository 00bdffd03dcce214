// The authorization matrix (issue 6, "Access control"): every route of the route table × every
// principal (admin, supervisor, agent, analyst, an API key per scope, anonymous, a portal
// customer) gets the answer class the EXPECTED table below says: allowed (anything but 401/403),
// or refused (401 when nobody is signed in for that part of the API, else 403). The table is
// written by hand, not derived from the routes' declarations: a new route fails this test until
// someone decides who may call it and adds it here.
//
// Then data-level checks (DESIGN invariant 6): an agent sees only the tasks of their queues,
// teams and personal bins, and only the cases whose work they hold, held or can take; a customer
// only their own cases and files (more in integration/portal.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, type Role, type Scope } from '../../src/auth/principal.js';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from '../integration/harness.js';
import { ReportSection, printSection } from './report.js';
import { ANONYMOUS, apiKeyWith, portalSessionFor, sessionFor, type Principal } from './fuzz-support.js';

type Rule =
  | { kind: 'public' }
  /** The portal's own cookie (`wl_portal`): only a signed-in customer; everyone else 401. */
  | { kind: 'portal' }
  | { kind: 'staff'; roles: Role[] | 'any'; scopes: Scope[] };

const PUBLIC: Rule = { kind: 'public' };
const PORTAL: Rule = { kind: 'portal' };
const staff = (roles: Role[] | 'any', scopes: Scope[] = []): Rule => ({ kind: 'staff', roles, scopes });

// Shorthands for the usual shapes; every route still has its own line below.
const ADMIN = staff(['admin'], ['admin']);
const CONFIG_READ = staff(['admin', 'supervisor', 'agent', 'analyst'], ['admin', 'config:read', 'tasks:write']);
const TASK_READ = staff(['admin', 'supervisor', 'analyst', 'agent'], ['admin', 'tasks:read', 'tasks:write']);
const TASK_WORK = staff(['admin', 'supervisor', 'agent'], ['admin', 'tasks:write']);
const TASK_SUPERVISE = staff(['admin', 'supervisor'], ['admin', 'tasks:write']);
const CASE_READ = staff(['admin', 'supervisor', 'analyst', 'agent'], ['admin', 'cases:read', 'cases:write']);
const CASE_WORK = staff(['admin', 'supervisor', 'agent'], ['admin', 'cases:write']);
const AGENT_ONLY = staff(['admin', 'agent']);
const ANY_PERSON = staff('any');

/** Who may call what. Keep it sorted like the route table; admins and `admin` keys are listed explicitly. */
const EXPECTED: Record<string, Rule> = {
  'GET /api/openapi.json': PUBLIC,
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': PUBLIC,
  // Single sign-on: which sign-ins there are, the start and the provider's callback (404 while not configured).
  'GET /api/v1/auth/providers': PUBLIC,
  'GET /api/v1/auth/sso': PUBLIC,
  'GET /api/v1/auth/sso/callback': PUBLIC,
  'GET /api/v1/me': ANY_PERSON,
  // Tasks
  'POST /api/v1/tasks': TASK_WORK,
  'POST /api/v1/tasks/bulk': TASK_SUPERVISE,
  'GET /api/v1/tasks': staff(['admin', 'supervisor', 'analyst'], ['admin', 'tasks:read', 'tasks:write']),
  'GET /api/v1/tasks/:id': TASK_READ,
  'GET /api/v1/tasks/:id/events': TASK_READ,
  'GET /api/v1/tasks/:id/explain': TASK_READ,
  'PATCH /api/v1/tasks/:id': TASK_WORK,
  'POST /api/v1/tasks/:id/complete': TASK_WORK,
  'POST /api/v1/tasks/:id/cancel': TASK_SUPERVISE,
  'POST /api/v1/tasks/:id/reschedule': TASK_WORK,
  'POST /api/v1/tasks/:id/pause': TASK_WORK,
  'POST /api/v1/tasks/:id/resume': TASK_WORK,
  'POST /api/v1/tasks/:id/transfer': TASK_WORK,
  'POST /api/v1/tasks/:id/reclassify': TASK_WORK,
  'POST /api/v1/tasks/:id/escalate': TASK_WORK,
  'POST /api/v1/tasks/:id/assign': TASK_SUPERVISE,
  'POST /api/v1/tasks/:id/pull-back': TASK_SUPERVISE,
  // Agents at work
  'GET /api/v1/workbins': staff(['admin', 'agent', 'supervisor']),
  'GET /api/v1/workbins/:id/tasks': staff(['admin', 'agent', 'supervisor']),
  'POST /api/v1/workbins/:id/claim': AGENT_ONLY,
  'GET /api/v1/me/presence': ANY_PERSON,
  'PUT /api/v1/me/presence': AGENT_ONLY,
  'GET /api/v1/me/offers': AGENT_ONLY,
  'POST /api/v1/offers/:id/accept': AGENT_ONLY,
  'POST /api/v1/offers/:id/decline': AGENT_ONLY,
  'GET /api/v1/me/tasks': AGENT_ONLY,
  'GET /api/v1/me/scheduled': AGENT_ONLY,
  'GET /api/v1/me/stats': AGENT_ONLY,
  'GET /api/v1/agents': staff(['admin', 'agent', 'supervisor']),
  'GET /api/v1/presence-reasons': ANY_PERSON,
  'GET /api/v1/stream': ANY_PERSON,
  // Configuration: staff read, admins write
  'GET /api/v1/worktypes': CONFIG_READ,
  'GET /api/v1/worktypes/:id': CONFIG_READ,
  'POST /api/v1/worktypes': ADMIN,
  'PATCH /api/v1/worktypes/:id': ADMIN,
  'DELETE /api/v1/worktypes/:id': ADMIN,
  'GET /api/v1/queues': CONFIG_READ,
  'GET /api/v1/queues/:id': CONFIG_READ,
  'POST /api/v1/queues': ADMIN,
  'PATCH /api/v1/queues/:id': ADMIN,
  'DELETE /api/v1/queues/:id': ADMIN,
  'GET /api/v1/skills': CONFIG_READ,
  'GET /api/v1/skills/:id': CONFIG_READ,
  'POST /api/v1/skills': ADMIN,
  'PATCH /api/v1/skills/:id': ADMIN,
  'DELETE /api/v1/skills/:id': ADMIN,
  'GET /api/v1/teams': CONFIG_READ,
  'GET /api/v1/teams/:id': CONFIG_READ,
  'POST /api/v1/teams': ADMIN,
  'PATCH /api/v1/teams/:id': ADMIN,
  'DELETE /api/v1/teams/:id': ADMIN,
  'GET /api/v1/users': staff(['admin', 'supervisor'], ['admin']),
  'GET /api/v1/users/:id': staff(['admin', 'supervisor'], ['admin']),
  'POST /api/v1/users': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'DELETE /api/v1/users/:id': ADMIN,
  'GET /api/v1/rules': CONFIG_READ,
  'GET /api/v1/rules/:id': CONFIG_READ,
  'POST /api/v1/rules': ADMIN,
  'PATCH /api/v1/rules/:id': ADMIN,
  'DELETE /api/v1/rules/:id': ADMIN,
  'POST /api/v1/rules/test': ADMIN,
  'GET /api/v1/wrap-up-codes': CONFIG_READ,
  'GET /api/v1/wrap-up-codes/:id': CONFIG_READ,
  'POST /api/v1/wrap-up-codes': ADMIN,
  'PATCH /api/v1/wrap-up-codes/:id': ADMIN,
  'DELETE /api/v1/wrap-up-codes/:id': ADMIN,
  'GET /api/v1/presence-reasons/:id': CONFIG_READ,
  'POST /api/v1/presence-reasons': ADMIN,
  'PATCH /api/v1/presence-reasons/:id': ADMIN,
  'DELETE /api/v1/presence-reasons/:id': ADMIN,
  'GET /api/v1/routing-settings': CONFIG_READ,
  'PUT /api/v1/routing-settings': ADMIN,
  'GET /api/v1/audit': ADMIN,
  'GET /api/v1/api-keys': ADMIN,
  'POST /api/v1/api-keys': ADMIN,
  'DELETE /api/v1/api-keys/:id': ADMIN,
  'GET /api/v1/config/export': ADMIN,
  'POST /api/v1/config/import': ADMIN,
  'GET /api/v1/calendars': CONFIG_READ,
  'GET /api/v1/calendars/:id': CONFIG_READ,
  'POST /api/v1/calendars': ADMIN,
  'PATCH /api/v1/calendars/:id': ADMIN,
  'DELETE /api/v1/calendars/:id': ADMIN,
  'POST /api/v1/calendars/:id/holidays/seed': ADMIN,
  'GET /api/v1/calendars/:id/preview': CONFIG_READ,
  'POST /api/v1/calendars/:id/deadline': ADMIN,
  // Reports
  'GET /api/v1/reports/realtime/queues': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/reports/realtime/agents': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/reports/realtime/cases': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/reports': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/reports/:name': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/reports/insights': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/kpi-targets': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'PUT /api/v1/teams/:id/members/:userId': staff(['admin', 'supervisor'], ['admin']),
  'DELETE /api/v1/teams/:id/members/:userId': staff(['admin', 'supervisor'], ['admin']),
  'PUT /api/v1/queues/:id/target-steps': staff(['admin', 'supervisor'], ['admin']),
  'PUT /api/v1/kpi-targets': staff(['admin', 'supervisor', 'analyst'], ['admin']),
  // Webhooks: admins only (they carry signing secrets)
  // Inbound e-mail: posted by a mail service with a capture key; the list and retry are the admin's.
  'POST /api/v1/inbound/email': staff(['admin'], ['admin', 'tasks:write']),
  'GET /api/v1/inbound-mail': ADMIN,
  'POST /api/v1/tasks/:id/reply': TASK_WORK,
  'GET /api/v1/tasks/:id/replies': TASK_WORK,
  'GET /api/v1/tasks/:id/mail': TASK_WORK,
  'POST /api/v1/inbound-mail/:id/retry': ADMIN,
  // Web chat: visitors are anonymous (each chat checks its own token); the agent's side is the task's.
  'GET /api/v1/chat/topics': PUBLIC,
  // SMS: the carrier's webhook, with a capture key (as inbound e-mail).
  'POST /api/v1/inbound/sms': staff(['admin'], ['admin', 'tasks:write']),
  'POST /api/v1/chats': PUBLIC,
  'GET /api/v1/chats/:id': PUBLIC,
  'POST /api/v1/chats/:id/messages': PUBLIC,
  'POST /api/v1/chats/:id/end': PUBLIC,
  'POST /api/v1/chats/:id/handover': PUBLIC,
  'POST /api/v1/chats/:id/rating': PUBLIC,
  'GET /api/v1/chats/:id/transcript': PUBLIC,
  'POST /api/v1/chats/:id/transcript/email': PUBLIC,
  'GET /api/v1/chats/:id/stream': PUBLIC,
  'GET /api/v1/tasks/:id/chat': TASK_READ,
  'POST /api/v1/tasks/:id/chat/messages': staff(['admin', 'supervisor', 'agent']),
  'POST /api/v1/tasks/:id/chat/end': staff(['admin', 'supervisor', 'agent']),
  'POST /api/v1/tasks/:id/chat/typing': staff(['admin', 'supervisor', 'agent']),
  'GET /api/v1/tasks/:id/responses': staff(['admin', 'supervisor', 'agent']),
  // Digital callback: visitors ask anonymously; the agent's side is the task's.
  'GET /api/v1/callback/topics': PUBLIC,
  'POST /api/v1/callbacks': PUBLIC,
  'GET /api/v1/callbacks/:id': PUBLIC,
  'POST /api/v1/callbacks/:id/cancel': PUBLIC,
  'GET /api/v1/tasks/:id/callback': TASK_READ,
  'POST /api/v1/tasks/:id/callback/attempts': TASK_WORK,
  // Outbound campaigns (preview mode) and the do-not-call list.
  'GET /api/v1/campaigns': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read', 'tasks:write']),
  'POST /api/v1/campaigns': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'GET /api/v1/campaigns/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read', 'tasks:write']),
  'PATCH /api/v1/campaigns/:id': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'POST /api/v1/campaigns/:id/contacts': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'GET /api/v1/campaigns/:id/contacts': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read', 'tasks:write']),
  'POST /api/v1/campaigns/:id/start': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'POST /api/v1/campaigns/:id/stop': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'POST /api/v1/tasks/:id/campaign/opt-out': TASK_WORK,
  'GET /api/v1/do-not-call': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read', 'tasks:write']),
  'POST /api/v1/do-not-call': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'DELETE /api/v1/do-not-call/:phone': staff(['admin', 'supervisor'], ['admin', 'tasks:write']),
  'GET /api/v1/responses': CONFIG_READ,
  'GET /api/v1/responses/:id': CONFIG_READ,
  'POST /api/v1/responses': ADMIN,
  'PATCH /api/v1/responses/:id': ADMIN,
  'DELETE /api/v1/responses/:id': ADMIN,
  // Quality management: forms and plans are configuration (plans say who is sampled: not for agents);
  // scorecards are people's own (each sees what concerns them; evaluators may be anyone named).
  'GET /api/v1/questionnaires': CONFIG_READ,
  'GET /api/v1/questionnaires/:id': CONFIG_READ,
  'POST /api/v1/questionnaires': ADMIN,
  'PATCH /api/v1/questionnaires/:id': ADMIN,
  'DELETE /api/v1/questionnaires/:id': ADMIN,
  'GET /api/v1/evaluation-plans': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'GET /api/v1/evaluation-plans/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'POST /api/v1/evaluation-plans': ADMIN,
  'PATCH /api/v1/evaluation-plans/:id': ADMIN,
  'DELETE /api/v1/evaluation-plans/:id': ADMIN,
  'GET /api/v1/scorecards': ANY_PERSON,
  'POST /api/v1/scorecards': staff(['admin', 'supervisor']),
  'GET /api/v1/scorecards/:id': ANY_PERSON,
  'PUT /api/v1/scorecards/:id/answers': ANY_PERSON,
  'POST /api/v1/scorecards/:id/finish': ANY_PERSON,
  'POST /api/v1/scorecards/:id/acknowledge': ANY_PERSON,
  // Disputes: the agent evaluated raises one (anyone signed in reaches the route; the scorecard says whose); supervisors and admins decide.
  'POST /api/v1/scorecards/:id/dispute': ANY_PERSON,
  'POST /api/v1/scorecards/:id/resolve': staff(['admin', 'supervisor']),
  'DELETE /api/v1/scorecards/:id': staff(['admin', 'supervisor']),
  'POST /api/v1/scorecards/:id/reassign': staff(['admin', 'supervisor']),
  'GET /api/v1/calibrations/:id': staff(['admin', 'supervisor', 'analyst']),
  'GET /api/v1/quality/groups': ANY_PERSON,
  'GET /api/v1/quality/disputes': staff(['admin', 'supervisor', 'analyst']),
  'GET /api/v1/action-maps': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'GET /api/v1/action-maps/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'POST /api/v1/action-maps': ADMIN,
  'PATCH /api/v1/action-maps/:id': ADMIN,
  'DELETE /api/v1/action-maps/:id': ADMIN,
  'GET /api/v1/outcomes': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'GET /api/v1/outcomes/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'POST /api/v1/outcomes': ADMIN,
  'PATCH /api/v1/outcomes/:id': ADMIN,
  'DELETE /api/v1/outcomes/:id': ADMIN,
  'GET /api/v1/segments': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'GET /api/v1/segments/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'POST /api/v1/segments': ADMIN,
  'PATCH /api/v1/segments/:id': ADMIN,
  'DELETE /api/v1/segments/:id': ADMIN,
  'POST /api/v1/journey': PUBLIC,
  'OPTIONS /api/v1/journey': PUBLIC,
  'POST /api/v1/journey/offers/:id': PUBLIC,
  'OPTIONS /api/v1/journey/offers/:id': PUBLIC,
  'GET /api/v1/journey/live': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/journey/sessions/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/journey/summary': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/journey/models': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'POST /api/v1/journey/models/train': staff(['admin'], ['admin', 'config:write']),
  'GET /api/v1/tasks/:id/journey': TASK_READ,
  'GET /api/v1/workforce/settings': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'PUT /api/v1/workforce/settings': staff(['admin', 'supervisor'], ['admin']),
  'GET /api/v1/workforce/forecast': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/workforce/schedules/:week': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'POST /api/v1/workforce/schedules/:week/generate': staff(['admin', 'supervisor'], ['admin']),
  'POST /api/v1/workforce/schedules/:week/publish': staff(['admin', 'supervisor'], ['admin']),
  'POST /api/v1/workforce/schedules/:week/unpublish': staff(['admin', 'supervisor'], ['admin']),
  'POST /api/v1/workforce/schedules/:week/bidding': staff(['admin', 'supervisor'], ['admin']),
  'POST /api/v1/workforce/schedules/:week/bidding/close': staff(['admin', 'supervisor'], ['admin']),
  'GET /api/v1/me/bids/:week': ANY_PERSON,
  'PUT /api/v1/me/bids/:week': ANY_PERSON,
  'PUT /api/v1/workforce/schedules/:week/people/:user': staff(['admin', 'supervisor'], ['admin']),
  'GET /api/v1/workforce/adherence/live': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/workforce/adherence': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/me/schedule': ANY_PERSON,
  'GET /api/v1/me/schedule-preferences': ANY_PERSON,
  'PUT /api/v1/me/schedule-preferences': ANY_PERSON,
  'POST /api/v1/me/time-off': ANY_PERSON,
  'POST /api/v1/me/time-off/:id/cancel': ANY_PERSON,
  'GET /api/v1/workforce/time-off': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'POST /api/v1/workforce/time-off/:id/decision': staff(['admin', 'supervisor'], ['admin']),
  'GET /api/v1/analytics/summary': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/analytics/conversations': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/tasks/:id/analysis': TASK_READ,
  'POST /api/v1/analytics/reanalyze': ADMIN,
  'GET /api/v1/text-categories': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'GET /api/v1/text-categories/:id': staff(['admin', 'supervisor', 'analyst'], ['admin', 'config:read']),
  'POST /api/v1/text-categories': ADMIN,
  'PATCH /api/v1/text-categories/:id': ADMIN,
  'DELETE /api/v1/text-categories/:id': ADMIN,
  // Social media accounts; each account's webhook is public, checked by the platform's signature.
  'GET /api/v1/social/accounts': ADMIN,
  'POST /api/v1/social/accounts': ADMIN,
  'GET /api/v1/social/accounts/:id': ADMIN,
  'PATCH /api/v1/social/accounts/:id': ADMIN,
  'DELETE /api/v1/social/accounts/:id': ADMIN,
  'GET /api/v1/social/accounts/:id/webhook': PUBLIC,
  'POST /api/v1/social/accounts/:id/webhook': PUBLIC,
  'GET /api/v1/reports/realtime/social': staff(['admin', 'supervisor', 'analyst'], ['admin', 'reports:read']),
  'GET /api/v1/webhooks': ADMIN,
  'POST /api/v1/webhooks': ADMIN,
  'GET /api/v1/webhooks/:id': ADMIN,
  'PATCH /api/v1/webhooks/:id': ADMIN,
  'DELETE /api/v1/webhooks/:id': ADMIN,
  'POST /api/v1/webhooks/:id/rotate-secret': ADMIN,
  'GET /api/v1/webhooks/:id/deliveries': ADMIN,
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/retry': ADMIN,
  // Notifications
  'GET /api/v1/notification-templates': staff(['admin', 'supervisor'], ['admin', 'config:read', 'config:write']),
  'GET /api/v1/notification-templates/:id': staff(['admin', 'supervisor'], ['admin', 'config:read', 'config:write']),
  'POST /api/v1/notification-templates': staff(['admin', 'supervisor'], ['admin', 'config:write']),
  'PATCH /api/v1/notification-templates/:id': staff(['admin', 'supervisor'], ['admin', 'config:write']),
  'DELETE /api/v1/notification-templates/:id': staff(['admin', 'supervisor'], ['admin', 'config:write']),
  'POST /api/v1/notification-templates/:id/preview': staff(['admin', 'supervisor'], ['admin', 'config:read', 'config:write']),
  'POST /api/v1/notification-templates/preview': staff(['admin', 'supervisor'], ['admin', 'config:read', 'config:write']),
  'GET /api/v1/case-types/:id/notifications': staff(['admin', 'supervisor'], ['admin', 'config:read', 'config:write']),
  'PUT /api/v1/case-types/:id/notifications': staff(['admin'], ['admin', 'config:write']),
  'GET /api/v1/cases/:id/notifications': staff(['admin', 'supervisor', 'analyst', 'agent'], ['admin', 'cases:read']),
  'GET /api/v1/notifications': staff(['admin', 'supervisor'], ['admin', 'cases:write']),
  'POST /api/v1/notifications/:id/retry': staff(['admin', 'supervisor'], ['admin', 'cases:write']),
  // Cases
  'GET /api/v1/case-types': staff('any', ['admin', 'cases:read', 'cases:write', 'config:read']),
  'GET /api/v1/case-types/:id': staff('any', ['admin', 'cases:read', 'cases:write', 'config:read']),
  'POST /api/v1/case-types': ADMIN,
  'PATCH /api/v1/case-types/:id': ADMIN,
  'DELETE /api/v1/case-types/:id': ADMIN,
  'POST /api/v1/cases': CASE_WORK,
  'GET /api/v1/cases': CASE_READ,
  'GET /api/v1/cases/:id': CASE_READ,
  'PATCH /api/v1/cases/:id': CASE_WORK,
  'GET /api/v1/cases/:id/timeline': CASE_READ,
  'GET /api/v1/cases/:id/comments': CASE_READ,
  'POST /api/v1/cases/:id/comments': CASE_WORK,
  'POST /api/v1/cases/:id/escalate': CASE_WORK,
  'POST /api/v1/cases/:id/close': CASE_WORK,
  'POST /api/v1/cases/:id/reopen': CASE_WORK,
  'GET /api/v1/cases/:id/sla': CASE_READ,
  'POST /api/v1/cases/:id/attachments': CASE_WORK,
  'GET /api/v1/cases/:id/attachments': CASE_READ,
  'GET /api/v1/attachments/:id': CASE_READ,
  'GET /api/v1/public/forms/:caseType': PUBLIC,
  'POST /api/v1/public/forms/:caseType': PUBLIC,
  // Customers
  'GET /api/v1/customer-fields': CASE_READ,
  'PUT /api/v1/customer-fields': ADMIN,
  'GET /api/v1/customers': CASE_READ,
  'POST /api/v1/customers': CASE_WORK,
  'GET /api/v1/customers/:id': CASE_READ,
  'PATCH /api/v1/customers/:id': CASE_WORK,
  'GET /api/v1/customers/:id/cases': CASE_READ,
  // The customer portal: its own cookie, never a staff session or a key
  'POST /api/v1/portal/session': PUBLIC,
  'GET /api/v1/portal/session': PORTAL,
  'DELETE /api/v1/portal/session': PUBLIC,
  'GET /api/v1/portal/cases': PORTAL,
  'GET /api/v1/portal/cases/:id': PORTAL,
  'POST /api/v1/portal/cases/:id/comments': PORTAL,
  'POST /api/v1/portal/cases/:id/attachments': PORTAL,
  'GET /api/v1/portal/attachments/:id': PORTAL,
};

/** Operations endpoints outside /api (not in the route table): health and readiness are open by design. */
const OPERATIONS = ['/healthz', '/readyz'];
/** `/metrics` (outside /api too) tells what the process does: admins and `metrics:read` keys (Prometheus) only. */
const METRICS = staff(['admin'], ['admin', 'metrics:read']);

interface Who extends Principal {
  roles?: Role[];
  scopes?: Scope[];
  customer?: boolean;
}

/** 'allowed' or the status a refusal must have. */
function expected(rule: Rule, p: Who): 'allowed' | 401 | 403 {
  if (rule.kind === 'public') return 'allowed';
  if (rule.kind === 'portal') return p.customer ? 'allowed' : 401;
  if (!p.roles && !p.scopes) return 401; // anonymous, or a customer on the staff API
  if (p.roles) return rule.roles === 'any' || p.roles.some((r) => (rule.roles as Role[]).includes(r)) ? 'allowed' : 403;
  return p.scopes!.some((s) => rule.scopes.includes(s)) ? 'allowed' : 403;
}

const BACKEND = BACKENDS.find((b) => b.backend === 'postgres' && !b.skip) ?? BACKENDS[0]!;

describe(`authorization on ${BACKEND.backend}`, () => {
  let h: Harness;
  let principals: Who[];
  const report = new ReportSection(`authz-${BACKEND.backend}`, `authorization matrix and data-level access (${BACKEND.backend})`);

  beforeAll(async () => {
    h = await startHarness(BACKEND.backend);
    const db = h.db.store.db;
    const made = await new Client(h.base, DEMO_KEY).req('GET', '/api/v1/me'); // warm up; keys cannot call /me
    expect(made.status).toBe(403);
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const c = await sam.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'authz@example.com', name: 'Authz Customer', product: 'router', subject: 'Matrix', description: 'For the authorization matrix.', consent: true } });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    principals = [
      { ...(await sessionFor(db, 'admin@worklane.local', 'admin')), roles: ['admin'] },
      { ...(await sessionFor(db, 'sam@worklane.local', 'supervisor')), roles: ['supervisor'] },
      { ...(await sessionFor(db, 'alice@worklane.local', 'agent')), roles: ['agent'] },
      { ...(await sessionFor(db, 'ann@worklane.local', 'analyst')), roles: ['analyst'] },
      ...(await Promise.all(SCOPES.map(async (s) => ({ ...(await apiKeyWith(db, `authz-${s}`, [s])), scopes: [s] })))),
      ANONYMOUS,
      { ...(await portalSessionFor(db, c.json.customerId)), customer: true },
    ];
  });
  afterAll(async () => {
    report.save();
    printSection(report);
    await h?.close();
  });

  it('every route of the route table has an expectation, and every expectation a route', () => {
    const routes = h.app.routes.map((r) => `${r.method} ${r.url}`);
    const missing = routes.filter((r) => !(r in EXPECTED));
    const stale = Object.keys(EXPECTED).filter((k) => !routes.includes(k));
    expect(missing, `routes without an expectation: add them to EXPECTED in packages/server/test/reliability/authz.test.ts, saying who may call them:\n${missing.join('\n')}`).toEqual([]);
    expect(stale, `expectations for routes that no longer exist: remove them from EXPECTED in authz.test.ts:\n${stale.join('\n')}`).toEqual([]);
    report.tried('routes', routes.length).tried('principals', principals.length);
  });

  it('every route × every principal gets the expected answer class', async () => {
    const wrong: string[] = [];
    const db = h.db.store.db;
    for (const route of h.app.routes) {
      const rule = EXPECTED[`${route.method} ${route.url}`];
      if (!rule) continue; // reported by the test above
      // Ids that exist nowhere: an allowed caller gets 404 (or 400 for a missing body), never a change.
      const url = route.url.replace(/:(\w+)/g, (_m, name: string) => (name === 'caseType' ? 'technical' : 'authz-missing-id'));
      for (const p of principals) {
        // Signing out ends the session it is sent with: use one of its own.
        const who = route.url === '/api/v1/auth/logout' && p.roles ? { ...p, ...(await sessionFor(db, 'admin@worklane.local')) } : p;
        const res = await fetch(h.base + url, {
          method: route.method,
          headers: { ...who.headers, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
        });
        await res.arrayBuffer();
        const want = expected(rule, p);
        const got = res.status === 401 || res.status === 403 ? res.status : 'allowed';
        report.add('requests');
        if (got !== want) wrong.push(`${route.method} ${route.url} as ${p.name}: expected ${want}, got ${res.status}`);
        if (res.status >= 500) wrong.push(`${route.method} ${route.url} as ${p.name}: ${res.status}`);
      }
    }
    for (const path of OPERATIONS) {
      const res = await fetch(h.base + path);
      await res.arrayBuffer();
      if (res.status !== 200) wrong.push(`GET ${path} anonymously: ${res.status}`);
    }
    for (const p of principals) {
      const res = await fetch(h.base + '/metrics', { headers: p.headers });
      const body = await res.text();
      const want = expected(METRICS, p);
      const got = res.status === 401 || res.status === 403 ? res.status : 'allowed';
      report.add('requests');
      if (got !== want) wrong.push(`GET /metrics as ${p.name}: expected ${want}, got ${res.status}`);
      if (got === 'allowed' && !body.includes('worklane_requests_shed_total')) wrong.push(`GET /metrics as ${p.name}: ${res.status} without the metrics`);
    }
    report.held('answers not as the table says', wrong.length, wrong.length === 0, wrong.slice(0, 5).join('; '));
    expect(wrong).toEqual([]);
  });

  it('an agent reaches only the tasks of their queues, teams and personal bins', async () => {
    const crm = new Client(h.base, DEMO_KEY);
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const dave = await Client.login(h.base, 'dave@worklane.local', 'dave123');
    // Experts only (Dave's team): Alice is not a member of that queue.
    const theirs = await crm.req('POST', '/api/v1/tasks', { worktype: 'invoice-dispute', source: 'authz', externalId: 'experts-1', title: 'Experts only', queue: 'experts', attributes: { orderId: 'E-1', department: 'Finance', amount: 5 } });
    expect(theirs.status, JSON.stringify(theirs.json)).toBe(201);
    const mine = await crm.req('POST', '/api/v1/tasks', { worktype: 'invoice-dispute', source: 'authz', externalId: 'finance-1', title: 'Finance', queue: 'back-office', attributes: { orderId: 'F-1', department: 'Finance', amount: 5 } });
    expect(mine.status).toBe(201);
    const id = theirs.json.id;
    for (const path of [`/api/v1/tasks/${id}`, `/api/v1/tasks/${id}/events`, `/api/v1/tasks/${id}/explain`]) {
      expect((await alice.req('GET', path)).status, path).toBe(404);
      expect((await dave.req('GET', path)).status, path).toBe(200);
    }
    expect((await alice.req('GET', `/api/v1/tasks/${mine.json.id}`)).status).toBe(200);
    // Acting on it is refused too, and changes nothing.
    const before = (await crm.req('GET', `/api/v1/tasks/${id}`)).json;
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/tasks/${id}`, { priority: 999 }],
      ['POST', `/api/v1/tasks/${id}/complete`, {}],
      ['POST', `/api/v1/tasks/${id}/pause`, { reason: 'x' }],
      ['POST', `/api/v1/tasks/${id}/reschedule`, { until: new Date(Date.now() + 3_600_000).toISOString() }],
      ['POST', `/api/v1/tasks/${id}/transfer`, { queue: 'back-office' }],
      ['POST', `/api/v1/tasks/${id}/escalate`, { reason: 'x' }],
      ['POST', `/api/v1/tasks/${id}/reclassify`, { attributes: { orderId: 'E-1', department: 'Credit', amount: 1 } }],
      ['POST', `/api/v1/workbins/queue:experts/claim`, { taskId: id }],
    ] as const) {
      const r = await alice.req(method, path, body);
      expect([403, 404, 409], `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`).toContain(r.status);
      report.add('data-level refusals checked');
    }
    const after = (await crm.req('GET', `/api/v1/tasks/${id}`)).json;
    expect({ ...after, updatedAt: undefined }).toEqual({ ...before, updatedAt: undefined });
    // The experts' workbin is not Alice's to see; her own queue's is.
    expect([403, 404]).toContain((await alice.req('GET', '/api/v1/workbins/queue:experts/tasks')).status);
    const bins = (await alice.req('GET', '/api/v1/workbins')).json.items.map((b: { id: string }) => b.id);
    expect(bins).not.toContain('queue:experts');
    expect(bins).toContain('queue:back-office');
    // Supervisors oversee every queue; analysts read; neither is an agent at work.
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    expect((await sam.req('GET', `/api/v1/tasks/${id}`)).status).toBe(200);
    expect((await sam.req('POST', '/api/v1/workbins/queue:experts/claim', { taskId: id })).status).toBe(403);
    expect((await sam.req('GET', '/api/v1/config/export')).status).toBe(403);
    await crm.req('POST', `/api/v1/tasks/${id}/cancel`, { reason: 'test done' });
    await crm.req('POST', `/api/v1/tasks/${mine.json.id}/cancel`, { reason: 'test done' });
  });

  it('an agent reaches only the cases whose work they hold, held or can take, and their files', async () => {
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const dave = await Client.login(h.base, 'dave@worklane.local', 'dave123');
    // A Technical case starts at case-advisors (front office: Alice's), not the experts (Dave's).
    const made = await sam.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'visible@example.com', name: 'Vis Ible', product: 'router', subject: 'Who sees me', description: 'Only the front office for now.', consent: true } });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const id = made.json.id;
    const form = new FormData();
    form.append('attachments', new Blob(['internal notes'], { type: 'text/plain' }), 'notes.txt');
    const up = await fetch(`${h.base}/api/v1/cases/${id}/attachments`, { method: 'POST', body: form, headers: { cookie: sam.cookie } });
    expect(up.status).toBe(201);
    const att = (await sam.req('GET', `/api/v1/cases/${id}/attachments`)).json.items[0].id;
    const reads = [`/api/v1/cases/${id}`, `/api/v1/cases/${id}/timeline`, `/api/v1/cases/${id}/comments`, `/api/v1/cases/${id}/sla`, `/api/v1/cases/${id}/attachments`, `/api/v1/cases/${id}/notifications`, `/api/v1/attachments/${att}`];
    for (const path of reads) {
      expect((await dave.req('GET', path)).status, `Dave ${path}`).toBe(404);
      expect((await alice.req('GET', path)).status, `Alice ${path}`).toBe(200);
      report.add('data-level refusals checked');
    }
    expect((await dave.req('GET', '/api/v1/cases')).json.items.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await alice.req('GET', '/api/v1/cases')).json.items.map((c: { id: string }) => c.id)).toContain(id);
    const before = (await sam.req('GET', `/api/v1/cases/${id}`)).json;
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/cases/${id}`, { status: 'waiting-for-customer' }],
      ['POST', `/api/v1/cases/${id}/comments`, { body: 'sneaky' }],
      ['POST', `/api/v1/cases/${id}/escalate`, { reason: 'x' }],
      ['POST', `/api/v1/cases/${id}/close`, { resolution: 'x' }],
      ['POST', `/api/v1/cases/${id}/reopen`, {}],
    ] as const) {
      const r = await dave.req(method, path, body);
      expect([403, 404, 409], `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`).toContain(r.status);
      report.add('data-level refusals checked');
    }
    const f = new FormData();
    f.append('attachments', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
    expect((await fetch(`${h.base}/api/v1/cases/${id}/attachments`, { method: 'POST', body: f, headers: { cookie: dave.cookie } })).status).toBe(404);
    const after = (await sam.req('GET', `/api/v1/cases/${id}`)).json;
    expect(after.status).toBe(before.status);
    expect((await sam.req('GET', `/api/v1/cases/${id}/comments`)).json.items).toEqual([]);
  });

  it('a customer reaches only their own cases and files, whichever way they ask', async () => {
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const mk = async (email: string) => {
      const r = await sam.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email, name: email, product: 'router', subject: `Case of ${email}`, description: 'A case to keep apart.', consent: true } });
      expect(r.status).toBe(201);
      return r.json;
    };
    const one = await mk('one@example.com');
    const two = await mk('two@example.com');
    const f = new FormData();
    f.append('attachments', new Blob(['staff file'], { type: 'text/plain' }), 'staff.txt');
    await fetch(`${h.base}/api/v1/cases/${two.id}/attachments`, { method: 'POST', body: f, headers: { cookie: sam.cookie } });
    const file = (await sam.req('GET', `/api/v1/cases/${two.id}/attachments`)).json.items[0].id;
    const cust = await portalSessionFor(h.db.store.db, one.customerId);
    const get = (path: string) => fetch(h.base + path, { headers: cust.headers }).then((r) => r.status);
    // The other customer's case by id, by number, with odd spellings; their file; staff routes.
    for (const path of [`/api/v1/portal/cases/${two.id}`, `/api/v1/portal/cases/${two.number}`, `/api/v1/portal/cases/${two.number.toLowerCase()}`, `/api/v1/portal/cases/${encodeURIComponent(' ' + two.number)}`, `/api/v1/portal/attachments/${file}`]) {
      expect(await get(path), path).toBe(404);
    }
    for (const path of [`/api/v1/cases/${one.id}`, `/api/v1/cases/${two.id}`, `/api/v1/attachments/${file}`, `/api/v1/customers/${one.customerId}`]) expect(await get(path), path).toBe(401);
    expect(await get(`/api/v1/portal/cases/${one.id}`)).toBe(200);
    const list = (await (await fetch(h.base + '/api/v1/portal/cases', { headers: cust.headers })).json()) as { items: { id: string }[] };
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([one.id]);
  });
});
