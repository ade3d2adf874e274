// Picks the ApiClient for the host the renderer runs in.
import type { ApiClient } from '../../../../src-shared/contract';
import type { StudioBridge } from '../../../../src-preload/bridge';
import { ElectronApiClient } from './electron-client';
import { WebSocketApiClient } from './ws-client';

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}

export function createApiClient(): ApiClient {
  if (window.studio) return new ElectronApiClient(window.studio);
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token') ?? sessionStorage.getItem('vqa2.token') ?? '';
  if (token) sessionStorage.setItem('vqa2.token', token);
  return new WebSocketApiClient(window.location.origin, token);
}
