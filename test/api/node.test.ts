import { startNodeServe } from '../helpers/api-servers.ts';
import { apiSuite } from './suite.ts';

apiSuite('Node (openwatch serve)', (dsn) => startNodeServe({ dsn }));
