// What every OpenAI request needs: where to send it, the credential, and the one client.

import type { Logger } from '../../ports.js';
import type { HttpClient } from '../http/client.js';

export interface OpenAiConnection {
  /** Ends in /v1; endpoint paths are appended to it. */
  baseUrl: string;
  adminKey: string;
  http: Pick<HttpClient, 'getStreamed'>;
  logger?: Logger;
}
