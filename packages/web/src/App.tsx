import { useEffect } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { setUnauthorizedHandler } from './api/client';
import { StreamProvider } from './api/stream';
import { LoginPage } from './auth/LoginPage';
import { NoAccess, RequireAuth, RequireRole } from './auth/RequireAuth';
import { homePathFor, ME_KEY, useMe } from './auth/session';
import type { Me } from './api/types';
import { Shell } from './shell/Shell';
import { ReportsPage } from './reports/ReportsPage';
import { InsightsPage } from './insights/InsightsPage';
import { AgentWorkspace } from './agent/AgentWorkspace';
import { SupervisorPage } from './supervisor/SupervisorPage';
import { AdminPage } from './admin/AdminPage';
import { CasePage, CasesPage } from './cases/CasesPage';
import { NewCasePage } from './cases/NewCasePage';
import { CustomerPage, CustomersPage } from './customers/CustomersPage';
import { PublicFormPage } from './public/PublicFormPage';
import { PortalCasePage, PortalHome } from './portal/PortalPages';
import { VisitorChatPage } from './chat/VisitorChatPage';
import { CallbackPage } from './callback/CallbackPage';
import { QualityPage } from './quality/QualityPage';
import { ScorecardPage } from './quality/ScorecardPage';
import { CalibrationPage } from './quality/CalibrationPage';
import { VisitorsPage } from './engagement/VisitorsPage';
import { WorkforcePage } from './workforce/WorkforcePage';
import { MySchedulePage } from './workforce/MySchedulePage';
import { CampaignsPage } from './campaigns/CampaignsPage';
import { ConversationsPage } from './analytics/ConversationsPage';

/** Whatever the stream may have carried while it was down is fetched again on every (re)connect. */
const LIVE_KEYS = [['offers'], ['myTasks'], ['presence'], ['realtime'], ['tasks'], ['workbins'], ['workbinTasks'], ['myStats'], ['cases'], ['case'], ['caseSla'], ['caseTimeline'], ['caseComments']];

function Home() {
  const me = useMe();
  return me.data ? <Navigate to={homePathFor(me.data.user)} replace /> : <Navigate to="/login" replace />;
}

export function App() {
  const queryClient = useQueryClient();
  const me = useMe();

  useEffect(() => {
    // Any 401 from the API means the session is gone: forget it, and <RequireAuth> goes to /login.
    setUnauthorizedHandler(() => queryClient.setQueryData<Me | null>(ME_KEY, null));
    return () => setUnauthorizedHandler(null);
  }, [queryClient]);

  const onConnected = () => {
    for (const queryKey of LIVE_KEYS) void queryClient.invalidateQueries({ queryKey });
  };

  return (
    <StreamProvider enabled={!!me.data} onConnected={onConnected}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        {/* Customers: no staff session, no shell. */}
        <Route path="/public/forms/:caseType" element={<PublicFormPage />} />
        <Route path="/portal" element={<PortalHome />} />
        <Route path="/chat" element={<VisitorChatPage />} />
        <Route path="/callback" element={<CallbackPage />} />
        <Route path="/portal/cases/:id" element={<PortalCasePage />} />
        <Route element={<RequireAuth />}>
          <Route element={<Shell />}>
            <Route index element={<Home />} />
            <Route element={<RequireRole roles={['agent']} />}>
              <Route path="/agent" element={<AgentWorkspace />} />
            </Route>
            <Route element={<RequireRole roles={['supervisor', 'admin']} />}>
              <Route path="/supervisor" element={<SupervisorPage />} />
            </Route>
            <Route element={<RequireRole roles={['admin']} />}>
              <Route path="/admin" element={<AdminPage />} />
            </Route>
            <Route element={<RequireRole roles={['analyst', 'supervisor', 'admin']} />}>
              <Route path="/reports" element={<ReportsPage />} />
              <Route path="/insights" element={<InsightsPage />} />
            </Route>
            <Route element={<RequireRole roles={['agent', 'supervisor', 'admin', 'analyst']} />}>
              <Route path="/cases" element={<CasesPage />} />
              <Route path="/cases/:id" element={<CasePage />} />
              <Route path="/customers" element={<CustomersPage />} />
              <Route path="/customers/:id" element={<CustomerPage />} />
              <Route path="/quality" element={<QualityPage />} />
              <Route path="/quality/scorecards/:id" element={<ScorecardPage />} />
              <Route path="/quality/calibrations/:id" element={<CalibrationPage />} />
              <Route path="/visitors" element={<VisitorsPage />} />
              <Route path="/conversations" element={<ConversationsPage />} />
              <Route path="/my-schedule" element={<MySchedulePage />} />
            </Route>
            <Route element={<RequireRole roles={['analyst', 'supervisor', 'admin']} />}>
              <Route path="/workforce" element={<WorkforcePage />} />
              <Route path="/campaigns" element={<CampaignsPage />} />
            </Route>
            <Route element={<RequireRole roles={['agent', 'supervisor', 'admin']} />}>
              <Route path="/cases/new" element={<NewCasePage />} />
            </Route>
            <Route path="/no-access" element={<NoAccess />} />
            <Route path="*" element={<Home />} />
          </Route>
        </Route>
      </Routes>
    </StreamProvider>
  );
}
