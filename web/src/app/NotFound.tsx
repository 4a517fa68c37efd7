import { Link } from '@tanstack/react-router';

export function NotFound() {
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>
        This address is not part of the console. <Link to="/">Go to the dashboard</Link>.
      </p>
    </div>
  );
}
