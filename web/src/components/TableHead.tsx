/** A column: its label, `num` for right-aligned figures; an empty label is an actions column. */
export type Column = string | [label: string, kind: 'num'];

/** The header row every console table shares; an empty label still names the column for screen readers. */
export function TableHead({ cols }: { cols: Column[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => {
          const [label, kind] = typeof c === 'string' ? [c, undefined] : c;
          return (
            <th key={i} scope="col" className={kind}>
              {label || <span className="sr-only">Actions</span>}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
