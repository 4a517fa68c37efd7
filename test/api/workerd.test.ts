import { startWorkerd } from '../helpers/api-servers.ts';
import { apiSuite } from './suite.ts';

apiSuite('workerd (wrangler dev)', (dsn) => startWorkerd(dsn));
