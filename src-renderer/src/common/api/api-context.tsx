// Makes the host's ApiClient available to every component (Electron bridge or WebSocket).
import { createContext, useContext } from 'react';
import type { ApiClient } from '../../../../src-shared/contract';

export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiContext.Provider>');
  return api;
}
