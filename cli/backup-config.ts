import type { Config } from '../core/config/schema.ts';
import type { ResolvedDatabase } from './database.ts';

/** The configuration with development mode's generated key and certificate paths filled in. */
export function effectiveFiles(config: Config, db: ResolvedDatabase): Config {
  const dev = db.embedded?.secrets;
  if (!dev) return config;
  return {
    ...config,
    identity: {
      ...config.identity,
      jwt_private_key: config.identity.jwt_private_key ?? dev.jwtPrivateKey,
      credential_key_file: config.identity.credential_key_file ?? dev.credentialKeyFile,
    },
    server: {
      ...config.server,
      tls_cert: config.server.tls_cert ?? dev.tlsCert,
      tls_key: config.server.tls_key ?? dev.tlsKey,
    },
  };
}
