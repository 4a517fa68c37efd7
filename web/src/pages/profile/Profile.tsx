import { useSession } from '../../app/session.ts';
import { PageHeader } from '../../components/Page.tsx';
import { ApiTokens } from './ApiTokens.tsx';
import { ChangePassword } from './ChangePassword.tsx';
import { MfaCard } from './MfaCard.tsx';
import { Sessions } from './Sessions.tsx';

export function Profile() {
  const { me } = useSession();
  return (
    <>
      <PageHeader title="Your account" sub={`${me.username} · ${me.email} · ${me.roles.join(', ')}`} />
      {me.auth.restricted && (
        <p className="notice warn" role="alert">
          Your organisation requires two-step verification. Enrol below to use OpenWatch.
        </p>
      )}
      <div className="grid two">
        <MfaCard />
        <ChangePassword />
      </div>
      {!me.auth.restricted && (
        <>
          <Sessions />
          <ApiTokens />
        </>
      )}
    </>
  );
}
