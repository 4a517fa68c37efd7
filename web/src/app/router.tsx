import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { Shell } from './Shell.tsx';
import { loadSession, SESSION_KEY } from './session.ts';
import { NotFound } from './NotFound.tsx';
import { hostsSearch } from '../pages/hosts/search.ts';
import { hostSearch } from '../pages/host/search.ts';
import { rulesSearch } from '../pages/rules/search.ts';
import { prefetchDashboard } from '../pages/dashboard/queries.ts';

const root = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

const signin = createRoute({
  getParentRoute: () => root,
  path: '/signin',
  validateSearch: (s: Record<string, unknown>): { redirect?: string; reason?: string } => ({
    ...(typeof s.redirect === 'string' && s.redirect.startsWith('/') ? { redirect: s.redirect } : {}),
    ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
  }),
  component: lazyRouteComponent(() => import('../pages/signin/SignIn.tsx'), 'SignIn'),
});

const setup = createRoute({
  getParentRoute: () => root,
  path: '/setup',
  component: lazyRouteComponent(() => import('../pages/setup/Setup.tsx'), 'Setup'),
});

/**
 * Every page below needs a session: decided before the page loads (a redirect from inside a rendering
 * page can lose the race with the router's own first navigation). The session was requested at boot.
 */
const app = createRoute({
  getParentRoute: () => root,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.ensureQueryData({
      queryKey: SESSION_KEY,
      queryFn: loadSession,
    });
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack Router redirects are thrown objects by design
    if (!session) throw redirect({ to: '/signin', search: { redirect: location.href } });
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a TanStack Router redirect, as above
    if (session.me.auth.restricted && location.pathname !== '/profile') throw redirect({ to: '/profile' });
  },
  component: Shell,
});

const page = <P extends string>(path: P, load: () => Promise<Record<string, unknown>>, name: string) =>
  createRoute({
    getParentRoute: () => app,
    path,
    component: lazyRouteComponent(load, name),
  });

const dashboard = createRoute({
  getParentRoute: () => app,
  path: '/',
  // Starts the dashboard's requests alongside its code and the session check instead of after them.
  loader: ({ context }) => prefetchDashboard(context.queryClient),
  component: lazyRouteComponent(() => import('../pages/dashboard/Dashboard.tsx'), 'Dashboard'),
});
const hosts = createRoute({
  getParentRoute: () => app,
  path: '/hosts',
  validateSearch: hostsSearch,
  component: lazyRouteComponent(() => import('../pages/hosts/Hosts.tsx'), 'Hosts'),
});
const addHost = page('/hosts/new', () => import('../pages/hosts/AddHost.tsx'), 'AddHost');
const importHosts = page('/hosts/import', () => import('../pages/import/ImportHosts.tsx'), 'ImportHosts');
const host = createRoute({
  getParentRoute: () => app,
  path: '/hosts/$hostId',
  validateSearch: hostSearch,
  component: lazyRouteComponent(() => import('../pages/host/HostDetail.tsx'), 'HostDetail'),
});
const scans = page('/scans', () => import('../pages/scans/Scans.tsx'), 'Scans');
const scan = page('/scans/$scanId', () => import('../pages/scans/ScanDetail.tsx'), 'ScanDetail');
const rules = createRoute({
  getParentRoute: () => app,
  path: '/rules',
  validateSearch: rulesSearch,
  component: lazyRouteComponent(() => import('../pages/rules/Rules.tsx'), 'Rules'),
});
const exceptions = page('/exceptions', () => import('../pages/exceptions/Exceptions.tsx'), 'Exceptions');
const alerts = page('/alerts', () => import('../pages/alerts/Alerts.tsx'), 'Alerts');
const channels = page('/alerts/channels', () => import('../pages/alerts/Channels.tsx'), 'Channels');
const reports = page('/reports', () => import('../pages/reports/Reports.tsx'), 'Reports');
const profiles = page('/profiles', () => import('../pages/profiles/Profiles.tsx'), 'Profiles');
const users = page('/admin/users', () => import('../pages/admin/Users.tsx'), 'Users');
const credentials = page('/admin/credentials', () => import('../pages/admin/Credentials.tsx'), 'Credentials');
const audit = page('/admin/audit', () => import('../pages/admin/Audit.tsx'), 'Audit');
const roles = page('/admin/roles', () => import('../pages/admin/Roles.tsx'), 'Roles');
const groups = page('/groups', () => import('../pages/groups/Groups.tsx'), 'Groups');
const group = page('/groups/$groupId', () => import('../pages/groups/GroupDetail.tsx'), 'GroupDetail');
const schedules = page('/settings/schedules', () => import('../pages/settings/Schedules.tsx'), 'Schedules');
const profile = page('/profile', () => import('../pages/profile/Profile.tsx'), 'Profile');

const tree = root.addChildren([
  signin,
  setup,
  app.addChildren([
    dashboard,
    hosts,
    addHost,
    importHosts,
    host,
    scans,
    scan,
    rules,
    exceptions,
    alerts,
    channels,
    reports,
    profiles,
    users,
    credentials,
    audit,
    profile,
    roles,
    groups,
    group,
    schedules,
  ]),
]);

/** The router, given the query cache so route loaders can start their requests early. */
export function createAppRouter(queryClient: QueryClient) {
  return createRouter({ routeTree: tree, defaultPreload: 'intent', context: { queryClient } });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
