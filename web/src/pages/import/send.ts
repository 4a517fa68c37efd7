import { call, client, type paths } from '../../api/client.ts';

export type ImportResult =
  paths['/api/v1/hosts/import']['post']['responses'][200]['content']['application/json'];

/** JSON when the text is a JSON object or array (a bare array is wrapped as `{"hosts": …}`), else CSV. */
export function formatOf(text: string): 'json' | 'csv' {
  return /^\s*[[{]/.test(text) ? 'json' : 'csv';
}

/**
 * Sends the pasted or uploaded text as it is (the API parses and validates every row); `dryRun` asks
 * for the per-row verdict without writing anything.
 */
export function sendImport(text: string, dryRun: boolean): Promise<ImportResult> {
  const json = formatOf(text) === 'json';
  const body = json && /^\s*\[/.test(text) ? `{"hosts":${text}}` : text;
  return call(() =>
    client.POST('/api/v1/hosts/import', {
      params: { query: { dry_run: dryRun ? 'true' : 'false' } },
      // The route reads its own body (CSV or JSON), so the text goes unchanged with its media type.
      body: body as never,
      bodySerializer: () => body,
      headers: { 'content-type': json ? 'application/json' : 'text/csv' },
    }),
  );
}
