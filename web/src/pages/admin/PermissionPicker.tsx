import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { FetchState } from '../../components/FetchState.tsx';

interface Permission {
  name: string;
  description: string;
}

/** The registry's permissions by area (`hosts:read` → hosts), in the registry's order. */
function byArea(items: readonly Permission[]): [string, Permission[]][] {
  const areas = new Map<string, Permission[]>();
  for (const p of items) {
    const area = p.name.split(':')[0] ?? p.name;
    areas.set(area, [...(areas.get(area) ?? []), p]);
  }
  return [...areas];
}

/**
 * Ticks permissions from GET /api/v1/permissions, grouped by area. `held` is what the editor may grant:
 * the API refuses a role with permissions its author lacks, so those boxes are shown but disabled.
 */
export function PermissionPicker({
  value,
  onChange,
  held,
}: {
  value: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  held: (permission: string) => boolean;
}) {
  const perms = useQuery({
    queryKey: ['/api/v1/permissions'],
    queryFn: () => call(() => client.GET('/api/v1/permissions')),
    staleTime: Infinity,
  });
  const toggle = (name: string, on: boolean) => {
    const next = new Set(value);
    if (on) next.add(name);
    else next.delete(name);
    onChange(next);
  };
  return (
    <FetchState query={perms} rows={4}>
      {(d) => (
        <div className="perm-areas">
          {byArea(d.items).map(([area, items]) => (
            <fieldset key={area} className="perm-area">
              <legend>{area}</legend>
              {items.map((p) => (
                <label key={p.name} className="checkbox">
                  <input
                    type="checkbox"
                    checked={value.has(p.name)}
                    disabled={!held(p.name) && !value.has(p.name)}
                    onChange={(e) => toggle(p.name, e.target.checked)}
                  />
                  <span>
                    <span className="mono">{p.name}</span>
                    <span className="hint">{p.description}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          ))}
        </div>
      )}
    </FetchState>
  );
}
