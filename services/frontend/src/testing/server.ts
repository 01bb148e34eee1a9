import { setupServer } from 'msw/node';

import { handlers } from './handlers';

/** The API, mocked at the network edge: components and the real api-client run unchanged. */
export const server = setupServer(...handlers);
