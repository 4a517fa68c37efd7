/** Binary files bundled by wrangler as Data modules (see [[rules]] in wrangler.toml). */
declare module '*.gz' {
  const data: ArrayBuffer;
  export default data;
}
