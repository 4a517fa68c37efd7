import { Link, Navigate, Outlet, useLocation } from '@tanstack/react-router';
import { Problem } from '../components/Problem.tsx';
import { Bell } from './Bell.tsx';
import { LiveStatus } from './LiveStatus.tsx';
import { useSessionQuery, useSignOut, type Session } from './session.ts';
import '../styles/live.css';

interface NavItem {
  to: string;
  label: string;
  permission?: string;
}

const MAIN: NavItem[] = [
  { to: '/', label: 'Dashboard', permission: 'results:read' },
  { to: '/hosts', label: 'Hosts', permission: 'hosts:read' },
  { to: '/groups', label: 'Groups', permission: 'hosts:read' },
  { to: '/scans', label: 'Scans', permission: 'scans:read' },
  { to: '/rules', label: 'Rules', permission: 'rules:read' },
  { to: '/exceptions', label: 'Exceptions', permission: 'exceptions:read' },
  { to: '/alerts', label: 'Alerts', permission: 'alerts:read' },
  { to: '/reports', label: 'Reports', permission: 'reports:read' },
  { to: '/profiles', label: 'Profiles', permission: 'rules:read' },
];

const ADMIN: NavItem[] = [
  { to: '/admin/users', label: 'Users', permission: 'users:read' },
  { to: '/admin/credentials', label: 'Credentials', permission: 'credentials:read' },
  { to: '/admin/audit', label: 'Audit log', permission: 'audit:read' },
  { to: '/admin/roles', label: 'Roles', permission: 'roles:read' },
  { to: '/settings/schedules', label: 'Schedules', permission: 'settings:read' },
];

function NavList({ items, session }: { items: NavItem[]; session: Session }) {
  const visible = items.filter((i) => !i.permission || session.permissions.has(i.permission));
  if (visible.length === 0) return null;
  return (
    <ul>
      {visible.map((i) => (
        <li key={i.to}>
          <Link to={i.to} activeOptions={{ exact: i.to === '/' }} activeProps={{ 'aria-current': 'page' }}>
            {i.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** The signed-in frame: navigation offered by permission, the user menu, and the page. */
export function Shell() {
  const session = useSessionQuery();
  const location = useLocation();
  const signOut = useSignOut();
  if (session.isPending) return <div className="boot" aria-busy="true" aria-label="Loading" />;
  if (session.isError) return <Problem error={session.error} />;
  const s = session.data;
  if (!s) return <Navigate to="/signin" search={{ redirect: location.href }} />;
  if (s.me.auth.restricted && location.pathname !== '/profile') {
    return <Navigate to="/profile" />;
  }
  const hasAdmin = ADMIN.some((i) => !i.permission || s.permissions.has(i.permission));
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>OpenWatch</span>
        </Link>
        <NavList items={MAIN} session={s} />
        {hasAdmin && (
          <>
            <h2 className="nav-heading">Administration</h2>
            <NavList items={ADMIN} session={s} />
          </>
        )}
        <div className="sidebar-foot">
          <Link to="/profile" className="user" activeProps={{ 'aria-current': 'page' }}>
            <span className="avatar" aria-hidden="true">
              {s.me.username.slice(0, 1).toUpperCase()}
            </span>
            <span>
              {s.me.display_name || s.me.username}
              <span className="muted small block">{s.me.roles.join(', ')}</span>
            </span>
          </Link>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <div className="main-column">
        <header className="topbar">
          <LiveStatus />
          {s.permissions.has('alerts:read') && <Bell />}
        </header>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
