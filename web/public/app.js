// Status page: shows what /api/v1/health and /api/v1/version report.
const health = document.getElementById('health');
const version = document.getElementById('version');

async function refresh() {
  try {
    const res = await fetch('/api/v1/health');
    const body = await res.json();
    health.textContent = body.db_connected
      ? 'healthy — database connected'
      : 'degraded — database unreachable';
    health.className = body.db_connected ? 'ok' : 'bad';
  } catch {
    health.textContent = 'unreachable';
    health.className = 'bad';
  }
  try {
    const v = await (await fetch('/api/v1/version')).json();
    version.textContent = `${v.version} (${v.runtime}, commit ${v.commit})`;
  } catch {
    version.textContent = 'unknown';
  }
}

refresh();
setInterval(refresh, 10000);
