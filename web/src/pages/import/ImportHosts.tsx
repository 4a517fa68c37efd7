import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type ChangeEvent } from 'react';
import { Card, Field, PageHeader } from '../../components/Page.tsx';
import { Problem } from '../../components/Problem.tsx';
import { RowResults } from './RowResults.tsx';
import { formatOf, sendImport } from './send.ts';

const EXAMPLE = `hostname,address,port,environment,tags,description,credential
web-01,10.0.0.11,22,production,web;pci,Front end,scanner`;

/**
 * Bulk import in two steps: a preview (the API's dry run: every row checked exactly as the import will,
 * nothing written), then the import itself, each with a result per row.
 */
export function ImportHosts() {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const preview = useMutation({ mutationFn: (t: string) => sendImport(t, true) });
  const commit = useMutation({
    mutationFn: (t: string) => sendImport(t, false),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['/api/v1/hosts'] }),
  });
  const edit = (next: string) => {
    setText(next);
    preview.reset();
    commit.reset();
  };
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) edit(await file.text());
  };
  const previewed = preview.data;
  return (
    <>
      <PageHeader
        title="Import hosts"
        sub="Paste or upload CSV or JSON; every row is checked before anything is written."
        actions={
          <Link to="/hosts" className="button">
            Back to hosts
          </Link>
        }
      />
      <Card title="Hosts to import">
        <Field
          id="imp-text"
          label="CSV or JSON"
          hint={`CSV header: hostname, then any of address, port, environment, tags (separated by ;), description, credential (name or id). JSON: {"hosts": [{"hostname": …}, …]}.`}
        >
          <textarea
            id="imp-text"
            rows={10}
            className="mono"
            spellCheck={false}
            value={text}
            placeholder={EXAMPLE}
            onChange={(e) => edit(e.target.value)}
          />
        </Field>
        <Field id="imp-file" label="Or upload a file (.csv or .json)">
          <input
            id="imp-file"
            type="file"
            accept=".csv,.json,text/csv,application/json"
            onChange={(e) => void upload(e)}
          />
        </Field>
        <div className="form-actions">
          <button
            type="button"
            className="primary"
            disabled={!text.trim() || preview.isPending}
            onClick={() => preview.mutate(text)}
          >
            {preview.isPending ? 'Checking…' : `Preview ${formatOf(text).toUpperCase()}`}
          </button>
          {previewed && !commit.data && (
            <button
              type="button"
              className="primary"
              disabled={previewed.valid === 0 || commit.isPending}
              onClick={() => commit.mutate(text)}
            >
              {commit.isPending
                ? 'Importing…'
                : `Import ${previewed.valid} valid row${previewed.valid === 1 ? '' : 's'}`}
            </button>
          )}
        </div>
      </Card>
      {preview.error && <Problem error={preview.error} title="The file could not be read" />}
      {commit.error && <Problem error={commit.error} title="The import failed" />}
      {commit.data ? (
        <section aria-label="Import result">
          <h2 role="status">
            Imported: {commit.data.created} created, {commit.data.failed} not imported
          </h2>
          <RowResults result={commit.data} caption="What the import did with each row" />
        </section>
      ) : (
        previewed && (
          <section aria-label="Preview">
            <h2 role="status">
              Preview: {previewed.valid} valid, {previewed.failed} with errors (nothing written yet)
            </h2>
            <RowResults result={previewed} caption="What the import would do with each row" />
          </section>
        )
      )}
    </>
  );
}
