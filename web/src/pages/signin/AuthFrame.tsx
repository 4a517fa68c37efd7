import type { ReactNode } from 'react';

/** The centred card that sign-in and first-run setup share. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth">
      <main className="auth-card">
        <div className="auth-brand">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <span>OpenWatch</span>
        </div>
        <h1>{title}</h1>
        {children}
      </main>
      <p className="auth-foot muted small">Agentless compliance for Linux fleets</p>
    </div>
  );
}
